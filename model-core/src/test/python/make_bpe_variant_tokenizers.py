#!/usr/bin/env python3
"""Trains small BPE tokenizers covering the BPE model's and its pre-tokenizers' options, as test
fixtures for BpeParityTest (the byte-level GPT-2 / RoBERTa fixtures come from helper scripts of
their own; these are the variants real models use on top of them).

Output, in model-core/src/test/resources/tokenize/:
  bpe-llama3-tokenizer.json      Split(cl100k / Llama-3 regex, Isolated) + ByteLevel(no prefix,
                                 no regex), ignore_merges, ByteLevel post-processor trimming
                                 offsets, <|begin_of_text|> by a TemplateProcessing
  bpe-qwen2-tokenizer.json       NFC, Split(Qwen2 regex) + ByteLevel, merges as "a b" strings,
                                 ByteLevel normalizer-free, no offset trimming
  bpe-bytefallback-tokenizer.json  Llama-2 / Mistral style: Prepend("▁") + Replace(" ", "▁"),
                                 no pre-tokenizer, byte_fallback with <0x00>..<0xFF>, fuse_unk
  bpe-suffix-tokenizer.json      Whitespace pre-tokenizer, continuing_subword_prefix "##",
                                 end_of_word_suffix "</w>", unk_token without fuse_unk, a small
                                 alphabet so that many characters are unknown
  bpe-bytelevel-normalizer-tokenizer.json  ByteLevel as normalizer, Split on the GPT-2 regex in the
                                 byte alphabet, RobertaProcessing

Trained with tokenizers==0.21.4 (requirements.txt: the Rust crate DJL 0.38.0 bundles) on the
multilingual corpus (multilingual-texts.jsonl.gz), vocabularies of 2000-4000 to keep files small.
Deterministic for a given tokenizers version.

  python3 make_bpe_variant_tokenizers.py
"""
import gzip
import json
import os

from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.join(HERE, "..", "resources", "tokenize")

LLAMA3 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
          r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
         r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"


def texts():
    with gzip.open(os.path.join(RES, "multilingual-texts.jsonl.gz"), "rt", encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


def save(tok, name, edit=None):
    data = json.loads(tok.to_str())
    if edit:
        edit(data)
    path = os.path.join(RES, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    Tokenizer.from_file(path)  # loads back
    print(name, os.path.getsize(path))


def llama3(corpus):
    tok = Tokenizer(models.BPE(ignore_merges=True))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False),
    ])
    trainer = trainers.BpeTrainer(vocab_size=4000, special_tokens=["<|begin_of_text|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator(corpus, trainer)
    bos = tok.token_to_id("<|begin_of_text|>")
    tok.post_processor = processors.Sequence([
        processors.ByteLevel(add_prefix_space=True, trim_offsets=True, use_regex=True),
        processors.TemplateProcessing(single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A $B",
                                      special_tokens=[("<|begin_of_text|>", bos)]),
    ])
    save(tok, "bpe-llama3-tokenizer.json")


def qwen2(corpus):
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN2), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
    ])
    trainer = trainers.BpeTrainer(vocab_size=3000, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator(corpus, trainer)
    tok.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False,
                                              use_regex=False)

    def legacy_merges(data):
        data["model"]["merges"] = [" ".join(m) for m in data["model"]["merges"]]

    save(tok, "bpe-qwen2-tokenizer.json", legacy_merges)


def bytefallback(corpus):
    tok = Tokenizer(models.BPE(unk_token="<unk>", fuse_unk=True, byte_fallback=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"),
                                           normalizers.Replace(" ", "▁")])
    # No pre-tokenizer: the whole text is one word, as in Llama 2. Train on lines split at "▁".
    trainer = trainers.BpeTrainer(vocab_size=2000, special_tokens=["<unk>", "<s>", "</s>"],
                                  limit_alphabet=300, show_progress=False)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first")
    tok.train_from_iterator(corpus, trainer)
    tok.pre_tokenizer = None
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A $B",
                                                       special_tokens=[("<s>", 1)])

    def add_bytes(data):
        vocab = data["model"]["vocab"]
        nxt = max(vocab.values()) + 1
        for b in range(256):
            t = "<0x%02X>" % b
            if t not in vocab:
                vocab[t] = nxt
                nxt += 1

    save(tok, "bpe-bytefallback-tokenizer.json", add_bytes)


def suffix(corpus):
    tok = Tokenizer(models.BPE(unk_token="[UNK]", continuing_subword_prefix="##",
                               end_of_word_suffix="</w>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    trainer = trainers.BpeTrainer(vocab_size=3000, special_tokens=["[UNK]", "[CLS]", "[SEP]"],
                                  limit_alphabet=150, continuing_subword_prefix="##",
                                  end_of_word_suffix="</w>", show_progress=False)
    tok.train_from_iterator(corpus, trainer)
    tok.post_processor = processors.BertProcessing(("[SEP]", 2), ("[CLS]", 1))
    save(tok, "bpe-suffix-tokenizer.json")


def bytelevel_normalizer(corpus):
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.ByteLevel()
    # The GPT-2 regex over byte characters: \p{L} matches most of them, so words stay together.
    tok.pre_tokenizer = pre_tokenizers.Split(Regex(GPT2), behavior="merged_with_next",
                                             invert=False)
    trainer = trainers.BpeTrainer(vocab_size=2000, special_tokens=["<s>", "</s>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator(corpus, trainer)
    tok.post_processor = processors.RobertaProcessing(("</s>", 1), ("<s>", 0), trim_offsets=True,
                                                      add_prefix_space=False)
    save(tok, "bpe-bytelevel-normalizer-tokenizer.json")


def main():
    corpus = texts()
    llama3(corpus)
    qwen2(corpus)
    bytefallback(corpus)
    suffix(corpus)
    bytelevel_normalizer(corpus)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Builds sample/corpus.jsonl: a few hundred documents of varied length and language, composed
from paragraphs written for Corpus Encoder. Deterministic; run it again to regenerate."""
import json, random

P = {
 "en": [
  "The new espresso machine heats up in under a minute, but the steam wand is weak. After two weeks of daily use the drip tray already shows scratches, which is disappointing at this price.",
  "City council approved the budget for the river park on Tuesday. Construction of the footbridge starts in spring, and the cycling path along the east bank should open by the end of next year.",
  "To reset your password, open Settings, choose Account, and tap Forgot password. A six-digit code arrives by e-mail within five minutes; if it does not, check the spam folder before contacting support.",
  "Whisk two eggs with a pinch of salt, pour them into a hot buttered pan and stir slowly with a spatula. Take the pan off the heat while the eggs still look slightly wet; they finish cooking on the plate.",
  "Our quarterly report shows revenue up 12 percent year over year, driven by subscriptions in Europe. Operating costs rose faster than planned because of two data-centre migrations.",
  "The library's reading room is closed on Monday for maintenance of the ventilation system. Members can still borrow and return books at the front desk between 9 a.m. and 6 p.m.",
  "I ordered the blue backpack in size M and received a green one in size L. The replacement was shipped the same day and the courier picked up the wrong item from my door without any fuss.",
  "Researchers measured the migration of Arctic terns with tiny geolocators weighing less than a gram. Some birds flew more than 90,000 kilometres in a single year, the longest migration ever recorded.",
  "Release 2.4 adds incremental backups, fixes a memory leak in the indexer and drops support for Java 8. Upgrading requires a full re-index, which takes about an hour per million documents.",
  "Heavy rain is expected overnight in the northern valleys. Drivers should avoid the mountain pass road, where rockfalls were reported last week, and check the traffic service before leaving.",
  "The hotel room was clean and quiet, but breakfast was served only until 9:30, which is early for a weekend. Staff were friendly and stored our luggage after check-out at no charge.",
  "Error 503 appears when the upstream service is overloaded. The client retries three times with exponential backoff; after that the request fails and the error is logged with its correlation id.",
 ],
 "fr": [
  "La nouvelle médiathèque ouvrira ses portes en septembre. Elle proposera un espace pour les enfants, une salle de musique et un accès gratuit à internet pendant les heures d'ouverture.",
  "Préchauffez le four à 180 degrés. Mélangez la farine, le sucre et le beurre fondu, puis ajoutez les pommes coupées en dés avant d'enfourner pendant quarante minutes.",
  "Le service client m'a répondu en moins d'une heure et le remboursement est arrivé deux jours plus tard. Je recommande ce vendeur sans hésiter.",
 ],
 "de": [
  "Die Bahnstrecke zwischen den beiden Städten wird im Sommer für sechs Wochen gesperrt. Reisende werden mit Ersatzbussen befördert, die Fahrzeit verlängert sich um etwa vierzig Minuten.",
  "Das Gerät ist leise und sparsam, aber die Bedienungsanleitung ist schwer verständlich. Erst nach einem Blick ins Forum konnte ich den Zeitplan richtig einstellen.",
  "Übermäßige Hitze schadet den Pflanzen im Gewächshaus. Öffnen Sie morgens die Fenster und gießen Sie am späten Abend, wenn die Temperaturen gesunken sind.",
 ],
 "es": [
  "El mercado central abre todos los días desde las siete de la mañana. Los domingos hay puestos de artesanía y música en directo en la plaza de enfrente.",
  "La batería dura casi dos días con un uso normal, pero la cámara nocturna deja mucho que desear. Por este precio esperaba fotos más nítidas.",
 ],
 "it": [
  "Il museo resterà aperto fino a mezzanotte durante il festival estivo. L'ingresso è gratuito per gli studenti e per chi ha meno di diciotto anni.",
 ],
 "pt": [
  "A reunião foi adiada para quinta-feira por causa da greve dos transportes. Quem não puder comparecer poderá participar por videoconferência.",
 ],
 "nl": [
  "De fietsenstalling bij het station is vanaf maandag weer open. Er zijn nu ook oplaadpunten voor elektrische fietsen op de begane grond.",
 ],
 "ru": [
  "Новая линия метро соединит аэропорт с центром города. Поездка займёт около двадцати пяти минут, а поезда будут ходить каждые четыре минуты.",
 ],
 "zh": [
  "这家餐厅的面条非常好吃，但是周末排队的时间太长了。建议工作日中午去，人比较少。",
  "新版本的应用修复了登录问题，并且增加了夜间模式。更新之前请先备份您的数据。",
 ],
 "ja": [
  "駅前の図書館は月曜日が休館です。貸出と返却は火曜日から日曜日の午前九時から午後八時までです。",
 ],
 "ar": [
  "افتتحت المدينة حديقة جديدة على ضفاف النهر، وتضم مسارات للدراجات وملاعب للأطفال ومقاعد للقراءة تحت الأشجار.",
 ],
}

SHORT = [
 "Great product, fast delivery.", "Does this work with Linux?", "Meeting moved to 3 pm.",
 "Out of stock again?!", "Thanks for the quick fix 👍", "Price: €19.99 incl. VAT",
 "See https://example.org/docs/install for details.", "Não funciona no modo avião.",
 "Sehr gut verpackt.", "很好用，推荐！", "Le colis est arrivé abîmé.", "¿Hay envío a Canarias?",
]

def main():
    rnd = random.Random(20261124)
    docs = []
    langs = list(P)
    for i in range(300):
        kind = rnd.random()
        lang = rnd.choice(langs) if rnd.random() < 0.4 else "en"
        if kind < 0.25:
            text = rnd.choice(SHORT)
        elif kind < 0.75:
            text = rnd.choice(P[lang])
        else:
            k = rnd.randint(3, 12)
            text = "\n\n".join(rnd.choice(P[rnd.choice([lang, "en"])]) for _ in range(k))
        docs.append({"id": f"doc-{i:04d}", "text": text, "lang": lang})
    docs[17]["text"] = ""
    docs[42]["text"] = None
    lines = [json.dumps(d, ensure_ascii=False) for d in docs]
    # Two malformed records, to show the quarantine: a truncated line and a non-string text.
    lines.insert(100, '{"id": "doc-broken", "text": "this line was cut off in the middle')
    lines.insert(200, '{"id": "doc-number", "text": 404, "lang": "en"}')
    with open("sample/corpus.jsonl", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")

if __name__ == "__main__":
    main()

"""Vocabularies and sentence templates for benign.py.

Sentences carry slots ({first}, {city}, {product}, {n}, ...) filled by the
generator, and on purpose contain words and characters that naive rules
trip on: select, union, drop, or, and, delete, from, where, insert, update,
script, alert, onload, exec, having, order by; apostrophes, double quotes,
parentheses, semicolons, <, >, =, &, --, comparison and arithmetic. None is
an attack: this is what customers, reviewers and support agents write.
"""

FIRST = ["Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Chloé", "Léa",
         "Mathéo", "Jürgen", "Søren", "Zoë", "Ana", "João", "María", "José", "Giulia",
         "Francesco", "Wojciech", "Agnieszka", "Dmitri", "Анна", "Иван", "Sven", "Fatima",
         "Mohammed", "Yuki", "Haruto", "Wei", "Mei", "Priya", "Arjun", "Aoife", "Seán",
         "Bjørn", "Ingrid", "Kofi", "Amara", "Diego", "Lucía", "Thijs", "Sanne", "Ömer",
         "Zeynep", "Nguyễn", "Hana", "Jean-Luc", "Marie-Claire", "D'Andre", "Renée"]
LAST = ["Smith", "Johnson", "O'Reilly", "O'Brien", "D'Angelo", "McDonald", "Müller", "Schäfer",
        "Dubois", "Lefèvre", "García", "Fernández", "Rossi", "Bianchi", "de Vries", "van der Berg",
        "Kowalski", "Wiśniewska", "Иванов", "Petrov", "Tanaka", "Suzuki", "Wang", "Li",
        "Nakamura", "Patel", "Singh", "Kim", "Nguyen", "Silva", "Santos", "Costa", "Jensen",
        "Hansen", "Öztürk", "Al-Sayed", "Haddad", "Ó Súilleabháin", "St. John", "Smith-Jones",
        "Delacroix", "Union", "Select", "Drop", "Alert", "Script", "Order", "Update"]
IRISH = ["Reilly", "Brien", "Connor", "Neill", "Sullivan", "Hara", "Leary", "Donnell"]
CITIES = ["Paris", "Lyon", "Berlin", "München", "Köln", "Madrid", "Sevilla", "Lisboa", "Porto",
          "São Paulo", "Roma", "Milano", "Amsterdam", "Utrecht", "Warszawa", "Kraków",
          "Москва", "Tokyo", "大阪", "北京", "上海", "Cairo", "الرياض", "Dubai", "London",
          "Manchester", "Dublin", "New York", "San Francisco", "Austin", "Toronto",
          "Montréal", "Québec", "Zürich", "Genève", "Wien", "Bruxelles", "Union City",
          "Union Station", "Orderville", "Wheeling", "Coeur d'Alene", "Martha's Vineyard",
          "St. John's", "L'Aquila", "Sant'Angelo", "Hoek van Holland", "Aix-en-Provence"]
STREETS = ["Main St", "Union Street", "Rue de l'Église", "Rue du Faubourg Saint-Honoré",
           "Hauptstraße", "Calle de Alcalá", "Avenida da Liberdade", "Via dell'Orso",
           "Keizersgracht", "ul. Marszałkowska", "Тверская улица", "Shibuya 2-chome",
           "Queen's Road", "O'Connell Street", "Select Ave", "Market St", "Broadway",
           "Drop Lane", "Old Kent Rd", "1st Ave & E 14th St"]
COUNTRIES = ["FR", "DE", "ES", "PT", "IT", "NL", "PL", "RU", "JP", "CN", "EG", "SA", "AE", "GB",
             "IE", "US", "CA", "CH", "AT", "BE", "BR", "IN"]
COMPANIES = ["Johnson & Johnson", "AT&T", "Barnes & Noble", "Ben & Jerry's", "Marks & Spencer",
             "Procter & Gamble", "Dolce & Gabbana", "Crate & Barrel", "H&M", "M&M's",
             "Abercrombie & Fitch", "Macy's", "Kellogg's", "McDonald's", "Levi's", "Lowe's",
             "Trader Joe's", "Dunkin'", "Select Comfort", "Union Pacific", "DropBox Inc.",
             "Alert Logic", "Script & Co", "Order-Express GmbH", "Galeries Lafayette",
             "El Corte Inglés", "Café de l'Union", "L'Oréal", "Moët & Chandon", "Tiffany & Co."]
PRODUCTS = ["Select Comfort mattress", "Union Jack mug", "drop-leaf table", "Script font pack",
            "Alert smoke detector", "ergonomic chair", "4K monitor 27\"", "USB-C hub (7-in-1)",
            "noise-cancelling headphones", "running shoes \"Air Zoom\"", "coffee grinder",
            "cast-iron skillet 10\"", "yoga mat", "standing desk", "mechanical keyboard",
            "wireless mouse", "backpack 30L", "rain jacket", "espresso machine",
            "kids' bike 16\"", "men's shirt (slim fit)", "women's boots", "Rock & Roll T-shirt",
            "O'Neill wetsuit", "Levi's 501 jeans", "drop earrings", "union suit",
            "Select & Go vacuum", "order book (A5)", "insert tray", "update kit v2",
            "delete key caps", "2x4 lumber (8')", "1/2\" drill bit", "1-2-3 block set",
            "The Having Cookbook", "Where's Waldo?", "Exec Chair Pro", "Onload valve",
            "Alerte rouge (DVD)", "Les Misérables", "Crème brûlée torch", "Pâtisserie set",
            "Spaß-Box", "Straßenkarte", "Café au lait cups", "抹茶 (matcha) 100g", "Ватрушка mix"]
COLORS = ["black", "white", "navy", "red", "forest green", "sky blue", "beige", "charcoal",
          "burgundy", "mustard", "rose gold", "off-white"]
SIZES = ["XS", "S", "M", "L", "XL", "XXL", "36", "38", "40", "42", "10 1/2", "EU 44", "One size"]
STATUSES = ["pending", "paid", "shipped", "delivered", "cancelled", "refunded", "on_hold",
            "processing", "returned", "partially_shipped"]
CATEGORIES = ["electronics", "home-garden", "books", "toys", "sports", "fashion", "beauty",
              "grocery", "automotive", "music", "rock-roll", "drop-ship", "select", "union-made",
              "office", "pet-supplies"]
TAGS = ["sale", "new", "bestseller", "eco", "limited", "gift", "select", "union", "drop",
        "update", "order", "alert", "script", "delete-me", "from-the-archive", "where-to-buy"]
SEARCH_EN = ["drop shipping", "union station", "select comfort", "rock & roll", "rock and roll",
             "where to eat near me", "how to delete my account", "order of the phoenix",
             "insert molding", "update iphone", "script fonts", "red alert 2", "exec chair",
             "having fun", "drop table", "union jack", "select all shortcut", "or else",
             "and then there were none", "from dusk till dawn", "where the wild things are",
             "o'reilly auto parts", "macy's", "levi's 501", "ben & jerry's", "at&t fiber",
             "\"exact phrase\" search", "1+1", "2-3 business days", "price < 50", "size >= 10",
             "c++ book", "c# tutorial", "node.js", "50% off", "100% cotton", "#hashtag",
             "@mention", "email@example.com", "tom & jerry", "simon & garfunkel",
             "don't stop believing", "it's a wonderful life", "l'été indien",
             "ordre du jour", "update on order status", "alert bracelet", "onload coffee",
             "select-a-size", "drop-in sink", "union made boots", "scripted series",
             "delete facebook", "insert coin", "group by age", "order by price"]
SEARCH_INTL = ["chaussures d'été", "où acheter", "Straßenbahn Fahrplan", "Größe 42",
               "zapatos de niño", "dónde comprar", "sapatos de criança", "onde comprar",
               "scarpe dell'anno", "fietsen kopen", "buty męskie", "кроссовки",
               "купить кофе", "ノートパソコン", "抹茶", "手机壳", "سماعات", "ثلاجة",
               "crème brûlée", "pâte à crêpes", "smörgåsbord", "jalapeño", "açaí"]
DOMAINS = ["example.com", "shop.example", "acme-corp.example", "api.example.org", "myapp.test",
           "store.example.net"]
SITES = ["www.google.com", "www.bing.com", "duckduckgo.com", "t.co", "www.facebook.com",
         "l.instagram.com", "news.ycombinator.com", "www.reddit.com", "mail.google.com",
         "outlook.live.com", "www.linkedin.com"]
UTM_SOURCES = ["newsletter", "google", "facebook", "twitter", "partner_site", "affiliate-123"]
UTM_CAMPAIGNS = ["spring_sale", "black-friday-2024", "summer%20deals", "union_station_promo",
                 "select-comfort", "drop_2024_q3", "back2school", "noël"]
LANG_TAGS = {"en": "en-US,en;q=0.9", "fr": "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7",
             "de": "de-DE,de;q=0.9,en;q=0.8", "es": "es-ES,es;q=0.9", "pt": "pt-BR,pt;q=0.9,en;q=0.8",
             "it": "it-IT,it;q=0.9,en;q=0.8", "nl": "nl-NL,nl;q=0.9,en;q=0.8",
             "pl": "pl-PL,pl;q=0.9,en-US;q=0.8", "ru": "ru-RU,ru;q=0.9,en;q=0.8",
             "ja": "ja-JP,ja;q=0.9", "zh": "zh-CN,zh;q=0.9,en;q=0.8", "ar": "ar-SA,ar;q=0.9,en;q=0.8"}

BROWSER_UAS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/109.0.0.0",
]
MOBILE_UAS = [
    "ShopApp/5.12.1 (iPhone; iOS 17.4.1; Scale/3.00)",
    "ShopApp/5.11.0 (iPad; iOS 16.7.2; Scale/2.00)",
    "ShopApp/5.12.0 (Android 14; Pixel 8 Pro; Build/UQ1A.240205.004)",
    "okhttp/4.12.0",
    "Dalvik/2.1.0 (Linux; U; Android 13; SM-A536B Build/TP1A.220624.014)",
    "MyBank/24.18 CFNetwork/1494.0.7 Darwin/23.4.0",
    "Deliveroo/3.180.0 (Android; 12; Xiaomi Redmi Note 11)",
    "TravelBuddy/2.3.4 (com.example.travel; build:1203; iOS 17.2.0) Alamofire/5.8.1",
    "Expo/2.31.2 CFNetwork/1492.0.1 Darwin/23.3.0",
    "Flutter/3.19 (dart:io)",
]
SERVER_UAS = ["python-requests/2.31.0", "Go-http-client/1.1", "Go-http-client/2.0",
              "curl/8.5.0", "axios/1.6.8", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
              "Apache-HttpClient/4.5.14 (Java/17.0.10)", "Java/11.0.22", "okhttp/3.14.9",
              "aiohttp/3.9.3", "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
              "GitHub-Hookshot/6b02022", "Slackbot 1.0 (+https://api.slack.com/robots)",
              "PostmanRuntime/7.37.3", "insomnia/8.6.1", "Ruby", "Faraday v2.9.0",
              "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)"]

# Sentences by language. {slots} are filled by benign.Gen.fill().
SENTENCES = {
    "en": [
        "Please select the {color} one and drop the other from my order.",
        "I don't know whether to select the {product} or the {product2}; any advice?",
        "Union Station to {city} took {n2} minutes, and the driver was great.",
        "We're having trouble with the update: the app crashes on load.",
        "Can you delete my old address and insert the new one where it says \"Shipping\"?",
        "Order by Friday and get free shipping on orders over ${price}.",
        "The script in chapter {n2} is where it gets interesting.",
        "Alert: your package from {company} is out for delivery.",
        "Exec summary: revenue is up {pct}% and churn is down (finally).",
        "Set the drop-down to 'All' and sort by date (newest first).",
        "This is 1 of 3 items; the others were shipped from {city}.",
        "Between you and me, the \"premium\" plan isn't worth it.",
        "O'Reilly's book on SQL and the one from {company} are both on my desk.",
        "My name is {first} O'{irish}; please don't drop the apostrophe!",
        "It's 5 or 6 stops from where I live - and that's a 10-minute walk.",
        "Rock & roll never dies; AC/DC and Guns N' Roses forever.",
        "We've updated our terms; read them before you continue (it takes 2 minutes).",
        "Size: {size}; width: wide; color: \"{color}\".",
        "For order #{n}, the tracking number is {track}.",
        "The meeting is at 3pm; agenda: budget, hiring, and the Q{q} roadmap.",
        "Where can I find the user manual for model {model}?",
        "I tried to log in from my phone but got an alert saying my session had expired.",
        "Is there a way to exec a scheduled report and have it sent to {email}?",
        "Having read the reviews, I'd say 4 out of 5 stars.",
        "The kids loved it; my husband, not so much :)",
        "Delete from favorites doesn't work on iOS {ios}.",
        "Drop me a line at {email} or call {phone}.",
        "JavaScript is disabled in my browser; is that why the page won't load?",
        "He said \"select all\" and then \"delete\" - everything was gone.",
        "The onload event fires twice in Safari; is that a known issue?",
        "Price went from ${price} to ${price2} (+{pct}%)!",
        "Insert tab A into slot B, then tighten screws 1-4.",
        "If x < 5 and y > 10 then the discount applies, right?",
        "Update: the replacement arrived on {date}; thanks, {first}!",
        "I ordered the wrong size (M instead of L); can I exchange it or get a refund?",
        "Where is my order?? It's been {n2} days...",
        "Five stars -- would order again from {company}.",
        "The union of both lists should be {n} items, not {n2}.",
        "Select your seat, then choose \"Drop-off\" or \"Pick-up\" at {city}.",
        "Call me at {phone} between 9 and 5 (Mon-Fri).",
        "Love the color, hate the zipper; 3/5.",
        "Tried again with Chrome {chrome}: same error (code {code}).",
        "Shipping to {street}, {city}; the buzzer is #{n2}.",
        "Can I update my payment method from the app, or only on the website?",
        "Gift note: \"Happy birthday, {first}! Love, Mom & Dad\"",
        "Half & half, please; no sugar.",
        "The alert sound is too loud - is there a way to turn it down?",
        "Our team uses the select/insert/update/delete permissions model from the docs.",
        "Drop-in replacement for the old {product}? Yes, it fits.",
        "Order status says \"processing\" but the money was taken on {date}.",
        "I'm allergic to nuts; does the {product} contain any?",
        "Use code SPRING-{n} at checkout (min. order ${price}).",
        "Where do I insert the batteries? The manual doesn't say.",
        "From {date} to {date2}, I'll be away; deliver to my neighbour at no. {n2}.",
        "1 + 1 = 2, but 2 + 2 = 5 according to the invoice total!",
        "Watch \"Union Station\" (1950) and \"Drop Zone\" (1994) this weekend.",
        "Thanks for the quick reply; that solved it :-)",
        "Please don't call before 10am; text me instead.",
        "The script font on the label looks blurry when printed at 300 dpi.",
        "Ready when you are; just drop by the store at {street}.",
    ],
    "fr": [
        "Bonjour, je voudrais savoir où en est ma commande n°{n} ; merci d'avance !",
        "L'été dernier, j'ai commandé le même modèle et c'était parfait.",
        "Sélectionnez l'option « Livraison express » puis cliquez sur « Valider ».",
        "Aujourd'hui, l'Union européenne a publié de nouvelles règles.",
        "C'est en or ou en argent ? La photo n'est pas claire.",
        "J'ai reçu une alerte : « mot de passe modifié » alors que je n'ai rien fait.",
        "Le script de la pièce est disponible à la bibliothèque de {city}.",
        "Qu'est-ce qu'on fait si le colis n'arrive pas avant le {date} ?",
        "Livraison à l'adresse suivante : {street}, {city} (3e étage, porte de gauche).",
        "Très bon produit, mais l'emballage était abîmé ; dommage.",
        "Où puis-je mettre à jour (update) mes coordonnées bancaires ?",
        "J'ai dû supprimer (delete) l'appli et la réinstaller pour que ça marche.",
        "Ordre du jour : budget, recrutement, et questions diverses.",
        "C'était l'union parfaite entre le café et la crème brûlée.",
        "Merci {first} pour votre aide, c'est très gentil de votre part !",
    ],
    "de": [
        "Bitte wählen Sie die Größe aus und klicken Sie auf „Bestellen“.",
        "Die Lieferung aus {city} hat 3–5 Werktage gedauert.",
        "Ich habe die App aktualisiert (Update {ios}) und jetzt stürzt sie beim Start ab.",
        "Wo finde ich die Rechnung? Unter „Mein Konto“ → „Bestellungen“?",
        "Drop-Shipping ist bei uns nicht erlaubt; die Ware kommt aus dem Lager in {city}.",
        "Der Union-Tarif gilt nur für Mitglieder (Stand: {date}).",
        "Tolles Produkt, aber die Anleitung ist leider nur auf Englisch.",
        "Können Sie meine alte Adresse löschen? Ich wohne jetzt in der {street}.",
        "Die Bestellung Nr. {n} ist noch nicht angekommen – was nun?",
        "Größe {size} passt perfekt; die Farbe „{color}“ ist wie auf dem Foto.",
        "Spaß beiseite: Das Skript für den Export funktioniert nicht mehr.",
        "Danke für die schnelle Antwort, {first}!",
    ],
    "es": [
        "¿Dónde está mi pedido? Lo compré el {date} y aún no llega.",
        "Seleccione la opción «Unión Europea» o «Otro país».",
        "El script de instalación falla; ¿alguien sabe por qué?",
        "Me encantó, aunque el color no era exactamente el de la foto.",
        "Borrar (delete) y volver a instalar la app funcionó.",
        "Envío a {street}, {city}; el portero se llama {first}.",
        "¡Excelente servicio! Lo recomiendo 100 %.",
        "La actualización (update) de ayer rompió el inicio de sesión.",
        "Pedí talla {size} y me llegó otra; ¿cómo hago el cambio?",
        "Unión de Crédito y Ahorro: horario de 9 a 17 h.",
    ],
    "pt": [
        "Olá! Gostaria de saber onde está o meu pedido nº {n}.",
        "Não consegui selecionar a opção de entrega; o botão não carrega.",
        "A União Europeia e o Mercosul assinaram o acordo em {city}.",
        "Pão de queijo e café: combinação perfeita!",
        "Produto ótimo, chegou antes do prazo (em {n2} dias).",
        "Por favor, atualizem (update) o endereço para {street}, {city}.",
        "Fiz o pedido às 23h e às 8h já estava a caminho. Parabéns!",
        "O alerta de promoção chegou tarde demais; acabou o estoque.",
    ],
    "it": [
        "Vorrei sapere dov'è l'ordine n. {n}; l'ho fatto un'ora fa.",
        "Dell'anno scorso ricordo solo l'estate al mare.",
        "Selezionare l'opzione «Unione Europea» e poi premere Invia.",
        "È un po' caro, ma ne vale la pena.",
        "L'ordine è arrivato a {city} in 48 ore: ottimo servizio!",
        "Ho dovuto eliminare (delete) l'account e crearne un altro.",
        "Un'altra domanda: c'è la taglia {size} in {color}?",
        "Sant'Angelo, via dell'Orso 12 - citofono \"{last}\".",
    ],
    "nl": [
        "Ik heb drop besteld, maar er zat geen drop in het pakket!",
        "Zo'n mooie jas heb ik nog nooit gehad.",
        "'s Avonds is de winkel tot 21:00 open.",
        "Selecteer de maat en klik op 'In winkelwagen'.",
        "Mijn bestelling ({n}) is nog niet bezorgd; waar is die?",
        "Zoute drop of zoete drop? Allebei graag!",
        "De update van gisteren heeft het probleem opgelost.",
    ],
    "pl": [
        "Zamówienie nr {n} jeszcze nie dotarło; proszę o informację.",
        "Wybierz rozmiar i kliknij „Dodaj do koszyka”.",
        "Świetny produkt, polecam! Dostawa do {city} w 2 dni.",
        "Czy mogę zmienić adres dostawy na {street}?",
        "Aktualizacja (update) aplikacji usunęła moje ulubione.",
        "Źle wybrałem kolor – czy mogę go wymienić?",
    ],
    "ru": [
        "Где мой заказ? Номер {n}.",
        "Выберите размер и нажмите «Оформить заказ».",
        "Отличный товар, спасибо! Union Jack на футболке выглядит круто.",
        "Доставка в {city} заняла 5 дней; упаковка целая.",
        "После обновления (update) приложение не запускается.",
        "Можно ли удалить мой старый адрес?",
        "Цена: {price} ₽; скидка {pct}%.",
    ],
    "ja": [
        "注文番号{n}の配送状況を教えてください。",
        "「select」ボタンを押しても反応しません。",
        "とても良い商品でした！また買います。",
        "サイズ{size}を注文しましたが、少し大きかったです。",
        "アップデート後、アプリが起動しません（iOS {ios}）。",
        "{city}への配送は何日かかりますか？",
    ],
    "zh": [
        "请问我的订单{n}什么时候发货？",
        "选择（select）尺码后点击“加入购物车”。",
        "质量很好，物流也快，五星好评！",
        "更新（update）之后无法登录，请帮忙看看。",
        "收货地址：{city}市{street}{n2}号。",
        "颜色是{color}，和图片一样。",
    ],
    "ar": [
        "أين طلبي رقم {n}؟",
        "اختر المقاس ثم اضغط على «إضافة إلى السلة».",
        "منتج رائع، شكرا لكم!",
        "التوصيل إلى {city} استغرق ثلاثة أيام.",
        "هل يمكن تحديث (update) عنوان الشحن؟",
    ],
}
LANGS = list(SENTENCES)
# English dominates real traffic.
LANG_WEIGHTS = [40, 8, 8, 7, 6, 6, 4, 4, 5, 4, 4, 4]

EMOJI = ["🙂", "😂", "👍", "❤️", "🎉", "🔥", "🙏", "😅", "✅", "⭐⭐⭐⭐⭐", "🇫🇷", "☕"]

REVIEW_TITLES = ["Great value", "Not as described", "Would buy again!", "Meh...", "5 stars",
                 "Drop-dead gorgeous", "Union-made quality", "Select this one", "Don't bother",
                 "\"Best\" purchase ever?", "Parfait !", "Sehr gut", "Muy bueno", "Ottimo",
                 "Prima", "Świetne", "Отлично", "最高", "很好", "ممتاز", "Update: still works",
                 "Where has this been all my life?", "A+ & fast shipping", "Order arrived broken"]

MATH = ["a+b=c", "1-2", "x<5", "(2*3)/4", "x >= 10 && y <= 20", "f(x) = 3x^2 + 2x - 1",
        "E = mc^2", "sqrt(16) = 4", "10 % 3 == 1", "2^10 = 1024", "(a + b)^2 = a^2 + 2ab + b^2",
        "1/3 ≈ 0.333", "π ≈ 3.14159", "∑ i = n(n+1)/2", "sin(x)/x -> 1", "-1 * -1 = 1",
        "5 > 3 > 1", "a != b", "x = (-b ± √(b²-4ac)) / 2a", "100 - 15% = 85",
        "3 or 4 items", "1 or 2", "x=1; y=2; z=x+y", "log(1000) = 3", "[0, 1)", "{1, 2, 3}"]

# Code in code-review / wiki comments that is not SQL and not shell.
CODE_SNIPPETS = [
    ("python", "def get_user(user_id: int) -> User:\n    return session.get(User, user_id)"),
    ("python", "for item in order.items:\n    total += item.price * item.quantity\nprint(f\"total={total:.2f}\")"),
    ("python", "if x < 5 and not done:\n    retry(delay=2 ** attempt)"),
    ("javascript", "const total = items.reduce((sum, i) => sum + i.price, 0);"),
    ("javascript", "window.addEventListener('load', () => init({ debug: false }));"),
    ("javascript", "if (user && user.roles.includes('admin')) {\n  showPanel();\n}"),
    ("typescript", "export async function fetchOrders(page = 1): Promise<Order[]> {\n  const res = await api.get(`/orders?page=${page}`);\n  return res.data;\n}"),
    ("go", "if err != nil {\n\treturn fmt.Errorf(\"select user %d: %w\", id, err)\n}"),
    ("go", "for i := 0; i < len(xs); i++ {\n\tsum += xs[i]\n}"),
    ("rust", "let names: Vec<String> = users.iter().map(|u| u.name.clone()).collect();"),
    ("c", "if (n > 0 && buf[n - 1] == '\\n')\n    buf[--n] = '\\0';"),
    ("java", "List<Order> open = orders.stream().filter(o -> o.getStatus() == Status.OPEN).toList();"),
    ("yaml", "deploy:\n  replicas: 3\n  update_config:\n    order: start-first"),
    ("json", "{\"select\": [\"id\", \"name\"], \"where\": {\"status\": \"active\"}, \"limit\": 10}"),
    ("css", ".btn-primary:hover { background: #0056b3; border-color: rgba(0, 0, 0, .1); }"),
    ("ruby", "users.where(active: true).order(created_at: :desc).limit(20)"),
    ("kotlin", "val adults = people.filter { it.age >= 18 }.sortedBy { it.name }"),
    ("php", "$total = array_sum(array_column($items, 'price'));"),
]
CODE_REMARKS = [
    "nit: rename this for clarity", "LGTM, one question below", "Can we add a test for this?",
    "This breaks when the list is empty", "Why not use the helper from utils?",
    "Suggestion:", "Typo in the variable name", "Let's keep the old behaviour behind a flag",
    "This looks good to me; merging after CI passes", "I'd extract this into a function",
    "Does this handle the \"null\" case?", "Performance: this runs on every request",
    "Ship it! 🚀", "Could you update the docs too?", "Same as above",
]

# SQL in code-review comments: legitimate in dev-tool APIs, but literally
# SQL; reported as a separate category (not counted in the rate).
SQL_SNIPPETS = [
    "SELECT * FROM users WHERE id = 1;",
    "SELECT id, name FROM {table} WHERE status = 'paid' ORDER BY created_at DESC LIMIT 50;",
    "ALTER TABLE {table} ADD COLUMN deleted_at timestamptz NULL;",
    "CREATE INDEX CONCURRENTLY idx_{table}_created ON {table} (created_at);",
    "DELETE FROM sessions WHERE expires_at < now();",
    "SELECT u.id, COUNT(o.id) FROM users u LEFT JOIN orders o ON o.user_id = u.id GROUP BY u.id HAVING COUNT(o.id) > 5;",
    "SELECT a FROM t1 UNION ALL SELECT a FROM t2;",
    "DROP TABLE IF EXISTS tmp_import;",
    "INSERT INTO audit_log (user_id, action) VALUES ($1, $2);",
    "UPDATE products SET price = price * 1.1 WHERE category_id = 7;",
    "SELECT count(*) FROM {table} WHERE created_at > now() - interval '7 days';",
    "EXPLAIN ANALYZE SELECT * FROM {table} WHERE email = 'a@b.c';",
]
SQL_REMARKS = [
    "This query is slow on large tables:", "Can we add an index for this?",
    "The migration is missing the down step:", "Use a parameter instead of the literal here:",
    "Why not run this in a cron job?", "UNION ALL avoids the sort:", "Careful, this locks the table:",
    "Please batch this:",
]
SQL_TABLES = ["users", "orders", "invoices", "accounts", "events", "line_items", "payments"]

# Shell in code-review / wiki comments: legitimate, reported separately.
SHELL_SNIPPETS = [
    "make test && make lint",
    "git rebase -i HEAD~3",
    "npm ci && npm run build",
    "docker compose up -d --build",
    "kubectl rollout restart deployment/api -n prod",
    "pip install -r requirements.txt",
    "cat access.log | grep 502 | wc -l",
    "curl -s https://api.example.com/health | jq .status",
    "find . -name '*.pyc' -delete",
    "export NODE_ENV=production; node server.js",
]

HTML_INLINE = ["<b>{t}</b>", "<strong>{t}</strong>", "<i>{t}</i>", "<em>{t}</em>", "<u>{t}</u>",
               "<code>{t}</code>", "<span style=\"color: rgb(230, 0, 0);\">{t}</span>",
               "<a href=\"{url}\">{t}</a>",
               "<a href=\"{url}\" target=\"_blank\" rel=\"noopener noreferrer\">{t}</a>",
               "<mark>{t}</mark>", "<s>{t}</s>"]
HTML_BLOCK = ["<p>{t}</p>", "<p class=\"ql-align-center\">{t}</p>", "<blockquote>{t}</blockquote>",
              "<h2>{t}</h2>", "<ul><li>{t}</li><li>{t2}</li></ul>", "<ol><li>{t}</li></ol>",
              "<p>{t}<br>{t2}</p>", "<div>{t}</div>",
              "<p><img src=\"https://cdn.{domain}/img/{hex}.jpg\" alt=\"{t2}\" width=\"320\"></p>",
              "<table><tr><th>Item</th><th>Qty</th></tr><tr><td>{t}</td><td>{n}</td></tr></table>"]

GRAPHQL = [
    "query GetUser($id: ID!) {\n  user(id: $id) {\n    id\n    name\n    email\n    orders(first: 10, orderBy: {field: CREATED_AT, direction: DESC}) {\n      edges { node { id total status } }\n    }\n  }\n}",
    "query Search($q: String!, $after: String) {\n  search(query: $q, first: 20, after: $after) {\n    pageInfo { hasNextPage endCursor }\n    nodes { ... on Product { id title price } }\n  }\n}",
    "mutation UpdateProfile($input: ProfileInput!) {\n  updateProfile(input: $input) { id displayName bio }\n}",
    "mutation AddToCart($sku: String!, $qty: Int = 1) {\n  addToCart(sku: $sku, quantity: $qty) { cart { id itemCount } errors { field message } }\n}",
    "query { viewer { login repositories(first: 5, orderBy: {field: UPDATED_AT, direction: DESC}) { nodes { name } } } }",
    "mutation DeleteAddress($id: ID!) { deleteAddress(id: $id) { success } }",
    "subscription OnOrderUpdate($orderId: ID!) { orderUpdated(id: $orderId) { status updatedAt } }",
]

# --- material for the detectors of issue 5 (command injection, traversal, SSRF,
# template injection, NoSQL, LDAP/XPath, XXE, CRLF, mail, PHP) to trip on.

# Documentation prose with shell-like punctuation, file paths and commands
# named in passing (not code blocks).
DOC_SENTENCES = [
    "Open the settings; then choose Export | CSV and wait for the e-mail.",
    "The logs are written to /var/log/acme/app.log and rotated daily.",
    "On Windows the files live in C:\\Program Files\\Acme\\data; on macOS in ~/Library/Application Support/Acme.",
    "Copy config.example.yaml to config.yaml, then edit the database section.",
    "Images go in ../assets/img and stylesheets in ../assets/css (relative to the page).",
    "If the sync fails && the badge stays red, sign out and in again.",
    "Use the cat and dog filters to narrow the list; sort by date or by name.",
    "Run the installer, then restart your computer (yes, really).",
    "Keep your .env file out of the repository: add it to .gitignore.",
    "The API returns 429 when you exceed 100 requests per minute; retry after the Retry-After delay.",
    "Paths such as docs/guide/install.md are relative to the repository root.",
    "Type your name & address, then press Enter; the form saves itself.",
    "Pipe characters | separate columns in the export; semicolons ; separate values.",
    "Ask your admin to whitelist *.acme-corp.example and api.example.org.",
    "Find the invoice in Billing > Invoices > 2024 > June.",
    "Echo cancellation can be turned off in Audio settings.",
    "The kill switch disables all outgoing transfers until you turn it back on.",
    "Time to first byte is shown in the Network tab of the developer tools.",
    "Mount the share at /mnt/backup and point the job at /mnt/backup/daily.",
    "Set the PATH variable to include %USERPROFILE%\\bin, then reopen the terminal.",
    "Search supports wildcards: jo* finds John and Joanna; (a OR b) groups terms.",
    "Filters like (status=paid) and (country=FR) combine with AND.",
    "The ldap group cn=admins,ou=groups,dc=example,dc=com grants the admin role.",
    "XPath-like selectors such as items/item[1]/name are accepted by the export tool.",
    "Data shows that most users pick the yearly plan.",
    "Quit the app completely before updating.",
    "Help: reply STOP to unsubscribe, HELP for help.",
    "Our PHP SDK exposes Client::system() for health checks and eval() is never used.",
    "The function exec() in the old SDK was renamed run() in version 3.",
    "Windows users: run cmd as administrator, then type ipconfig to see your address.",
]

# URLs to public sites, as profile and link fields carry them.
PUBLIC_URLS = [
    "https://en.wikipedia.org/wiki/Union_Station_(Los_Angeles)",
    "https://github.com/acme/widgets/blob/main/README.md",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
    "https://twitter.com/acme_corp/status/1798765432101234567",
    "https://www.linkedin.com/in/emma-smith-123456/",
    "https://medium.com/@chloe/how-we-select-a-database-5f3a2b1c9d8e",
    "https://docs.python.org/3/library/os.path.html#os.path.join",
    "https://maps.google.com/?q=48.8584,2.2945",
    "https://stackoverflow.com/questions/11227809/why-is-processing-a-sorted-array-faster",
    "https://www.example.com/path/../other/page.html",
    "http://localhost-news.example.org/local/events",
    "https://cdn.jsdelivr.net/npm/chart.js@4.4.0/dist/chart.umd.min.js",
    "https://s3.eu-west-1.amazonaws.com/acme-public/brochure.pdf",
    "ftp.example.org/pub/README",
    "mailto:support@acme-corp.example?subject=Order%20help",
    "tel:+33142685300",
]

# Message templates of i18n catalogues and marketing tools.
I18N_TEMPLATES = [
    "Hello {{name}}, your order {{order_id}} has shipped.",
    "Hi {{ user.first_name }}, welcome back!",
    "{count, plural, one {# item} other {# items}} in your cart",
    "Bonjour %{name}, votre commande %{number} est prête.",
    "You have {0} new messages and {1} notifications.",
    "Dear ${firstName}, your subscription renews on ${renewalDate}.",
    "{{#if premium}}Thanks for being premium!{{/if}}",
    "Hallo {name}, dein Paket kommt am {date}.",
    "Total: {{ total | currency }} ({{ items.length }} items)",
    "<%= link_to 'Unsubscribe', unsubscribe_url %> is added by the mailer.",
    "Use {{ '{{' }} and {{ '}}' }} to print braces.",
    "#{greeting}, #{name}!",
    "[[first_name]], your code is [[code]].",
    "{% if user %}Hi {{ user }}{% endif %}",
]

# Shapes of JSON with $-prefixed keys that are not MongoDB query operators.
JSON_SCHEMA_DOCS = [
    {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://acme-corp.example/schemas/order.json",
     "title": "Order", "type": "object", "required": ["id", "items"],
     "properties": {"id": {"type": "string", "format": "uuid"},
                    "items": {"type": "array", "items": {"$ref": "#/$defs/item"}}},
     "$defs": {"item": {"type": "object", "properties": {"sku": {"type": "string"},
                                                         "qty": {"type": "integer", "minimum": 1}}}},
     "$comment": "v2: qty is an integer"},
    {"$schema": "http://json-schema.org/draft-07/schema#", "definitions": {"price": {"type": "number"}},
     "properties": {"amount": {"$ref": "#/definitions/price"}}},
]

# Benign XML bodies: SOAP without a DTD, SVG with the public SVG DTD, RSS.
SVG_DOC = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
           '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
           '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
           '<title>{title}</title><circle cx="32" cy="32" r="30" fill="{color}"/></svg>\n')
SOAP_DOC = ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns:m="https://acme-corp.example/orders"><soap:Body><m:GetOrder>'
            '<m:OrderId>{n}</m:OrderId><m:Note>{note}</m:Note></m:GetOrder></soap:Body></soap:Envelope>')
RSS_DOC = ('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>{title}</title>'
           '<link>https://blog.acme-corp.example/</link><item><title>{item}</title>'
           '<description>&lt;p&gt;{note}&lt;/p&gt;</description></item></channel></rss>')

# Support messages: several lines, some starting like mail headers or commands.
SUPPORT_LINES = [
    "Subject: order {n} never arrived",
    "To whom it may concern,",
    "Re: invoice {n}",
    "From: the accounting team",
    "Data: see the attached spreadsheet",
    "Help needed with my account",
    "List of items: mug, table, lamp",
    "Quit smoking app keeps crashing",
    "Date: {date}",
    "Note: I already tried restarting",
    "Best regards,",
    "PS: the tracking number is {n}",
]

# GraphQL documents with inline arguments, fragments and directives
# ({s}: a text slot filled with a JSON-escaped sentence).
GRAPHQL_INLINE = [
    'query Search {{ products(search: "{s}", first: 20) {{ edges {{ node {{ id name price }} }} }} }}',
    'mutation {{ addComment(postId: "42", body: "{s}") {{ id createdAt }} }}',
    'query Dashboard($withDetails: Boolean!) {{ me {{ id ...UserParts orders(first: 5, status: "shipped") '
    '@include(if: $withDetails) {{ id total }} }} }} fragment UserParts on User {{ name avatar(size: 64) }}',
    '{{ file(path: "docs/README.md") {{ content }} }}',
    'query {{ user(login: "o\'brien") {{ repositories(orderBy: {{field: UPDATED_AT, direction: DESC}}) '
    '{{ nodes {{ name description }} }} }} }}',
    'mutation UpdateBio {{ updateProfile(input: {{bio: """{s}"""}}) {{ profile {{ bio }} }} }}',
    'query {{ __typename search(q: "{s}") {{ ... on Product {{ id }} ... on Article {{ slug }} }} }}',
]

"""Short hand-written texts for the sample crawl: other-language pages, forum comments (civil
and hostile), spam vocabulary, junk snippets and the chrome (site comments, nav labels) that
wraps article pages. All original text written for this sample.

The hostile comments are deliberately mild-to-moderate insults (no slurs, nothing sexual):
they exist so that a toxicity filter has something to remove. The civil comments include
hard negatives, i.e. words like "idiot" or "傻" used without attacking anyone.
"""

from __future__ import annotations

from .content_en import _parse

# --------------------------------------------------------------------------- other languages
# Each: lang code, title, paragraphs. ``latin1`` marks pages that are encodable in ISO-8859-1
# (no curly quotes, no œ/€), ``cp1252`` pages use € or curly quotes on purpose.
OTHER_LANG: list[dict] = []

for _lang, _block in [
    ("fr", r"""
@@ latin1 | Le marché du samedi à Saint-Aubin
Chaque samedi matin, la place de l'église de Saint-Aubin se remplit d'étals colorés. Les maraîchers des villages voisins arrivent avant l'aube avec leurs cagettes de légumes, leurs fromages de chèvre et leurs bouquets de fleurs coupées la veille. Vers huit heures, les premiers clients flânent déjà entre les stands, un panier d'osier au bras.

On y trouve de tout : des pommes de terre encore couvertes de terre, des fraises parfumées au début de l'été, du miel de châtaignier, du pain cuit au feu de bois. Le boulanger plaisante avec les habitués et garde toujours une baguette bien cuite pour la vieille dame qui habite au-dessus de la pharmacie.

Pour beaucoup d'habitants, le marché est bien plus qu'un lieu d'achat. C'est l'endroit où l'on prend des nouvelles des voisins, où l'on échange des recettes et où l'on discute de la météo en buvant un café au comptoir du bistrot d'en face. Quand midi sonne au clocher, les marchands replient leurs parasols et la place retrouve peu à peu son calme habituel.

@@ utf8 | Pourquoi les feuilles tombent-elles en automne ?
À l'approche de l'hiver, les arbres à feuilles caduques se préparent à affronter le froid et le manque de lumière. Garder leurs feuilles leur coûterait trop cher : elles perdraient beaucoup d'eau et risqueraient d'être abîmées par le gel. Les arbres récupèrent donc les éléments nutritifs contenus dans leurs feuilles, puis s'en séparent.

Au pied de chaque feuille se forme une fine couche de cellules qui coupe peu à peu la circulation de la sève. La feuille sèche, se détache au moindre coup de vent et tombe sur le sol, où elle sera décomposée par les champignons, les vers de terre et les micro-organismes. Elle nourrira ainsi le sol, et donc l'arbre lui-même, au printemps suivant.

Les conifères, comme le pin ou le sapin, ont choisi une autre stratégie : leurs aiguilles étroites et cireuses résistent au froid et perdent très peu d'eau, ce qui leur permet de rester vertes toute l'année.

@@ utf8 | Bien choisir son vélo pour aller au travail
De plus en plus de citadins abandonnent la voiture pour se rendre au bureau à vélo. C'est bon pour la santé, pour le porte-monnaie et pour la qualité de l'air. Encore faut-il choisir un vélo adapté à son trajet.

Pour un parcours court et plat, un vélo de ville classique, avec garde-boue, porte-bagages et éclairage intégré, suffit largement. Si le trajet dépasse une dizaine de kilomètres ou comporte des côtes, un vélo à assistance électrique change vraiment la vie : on arrive au travail sans être en sueur. Ceux qui doivent prendre le train pour une partie du trajet apprécieront un vélo pliant.

Quel que soit le modèle, quelques équipements sont indispensables : un bon antivol, des lumières puissantes, un casque et des vêtements visibles. Enfin, n'oubliez pas de faire vérifier régulièrement les freins et la pression des pneus.
"""),
    ("de", r"""
@@ cp1252 | Herbstwanderung im Mühlental
Wer im Oktober durch das Mühlental wandert, erlebt den Wald in seinen schönsten Farben. Der gut ausgeschilderte Rundweg beginnt am Parkplatz hinter der alten Sägemühle und führt etwa zwölf Kilometer am Bach entlang, vorbei an drei ehemaligen Wassermühlen. Die Parkgebühr beträgt 3 € pro Tag, für Wanderer mit Bahnticket ist der Bus ab dem Bahnhof kostenlos.

Nach gut einer Stunde erreicht man die Obere Mühle, in der heute ein kleines Café untergebracht ist. Hier gibt es hausgemachten Apfelkuchen und heißen Kakao – genau das Richtige an einem kühlen Herbsttag. Der Weg steigt danach steil an und belohnt die Mühe mit einem weiten Blick über das Tal.

Festes Schuhwerk ist empfehlenswert, denn nach Regenfällen können die Wurzeln und Steine am Ufer sehr rutschig sein. Hunde sind erlaubt, müssen aber im Naturschutzgebiet an der Leine geführt werden. Für die gesamte Runde sollte man mit Pausen etwa vier Stunden einplanen.

@@ utf8 | Warum Brot beim Backen aufgeht
Damit ein Brot locker und luftig wird, braucht der Teig Gase, die ihn von innen aufblähen. Bei den meisten Broten sorgt Hefe oder Sauerteig dafür. Die winzigen Hefepilze ernähren sich vom Zucker im Mehl und geben dabei Kohlendioxid ab. Das Klebereiweiß im Weizenmehl bildet ein elastisches Netz, das die Gasbläschen festhält.

Im heißen Ofen dehnen sich die Bläschen noch einmal kräftig aus, bevor die Hefe abstirbt und die Krume fest wird. Bäcker nennen diesen letzten Schub den Ofentrieb. Roggenteige verhalten sich anders, weil Roggen kaum Klebereiweiß enthält; hier übernimmt die Säure des Sauerteigs eine wichtige Rolle für die Struktur.

Wer zu Hause backt, sollte dem Teig genug Zeit lassen. Eine lange, kühle Teigführung über Nacht im Kühlschrank macht das Brot nicht nur lockerer, sondern auch aromatischer und länger haltbar.

@@ utf8 | Neue Öffnungszeiten im Stadtbad
Das Stadtbad am Lindenplatz hat ab dem kommenden Monat länger geöffnet. Von Montag bis Freitag können Schwimmerinnen und Schwimmer nun bereits ab sechs Uhr morgens ihre Bahnen ziehen, am Wochenende schließt das Bad erst um einundzwanzig Uhr. Die Stadtverwaltung reagiert damit auf zahlreiche Wünsche von Berufstätigen.

Gleichzeitig wird das Kursangebot erweitert. Neben den bekannten Schwimmkursen für Kinder gibt es künftig Aquafitness am Abend und einen Anfängerkurs für Erwachsene, die nie richtig schwimmen gelernt haben. Anmeldungen sind an der Kasse oder telefonisch möglich.

Die Eintrittspreise bleiben vorerst unverändert. Im Sommer soll außerdem die Sauna renoviert werden; während der Bauarbeiten bleibt sie für etwa sechs Wochen geschlossen.
"""),
    ("es", r"""
@@ utf8 | Cómo cuidar las plantas de interior en invierno
Durante los meses fríos, muchas plantas de interior crecen más despacio y necesitan cuidados distintos. El error más común es regarlas igual que en verano: con menos luz y temperaturas más bajas, el agua tarda más en evaporarse y las raíces pueden pudrirse. Antes de regar, conviene tocar la tierra con el dedo y esperar a que los primeros centímetros estén secos.

La luz también escasea. Es buena idea acercar las macetas a las ventanas más luminosas, aunque sin pegarlas al cristal, porque por la noche puede hacer mucho frío junto a él. La calefacción reseca el aire, así que agrupar varias plantas o colocar un plato con piedras y agua debajo de las macetas ayuda a mantener algo de humedad.

Por último, no es el mejor momento para abonar ni para trasplantar. Basta con limpiar el polvo de las hojas de vez en cuando y tener paciencia hasta la primavera.

@@ utf8 | Un paseo por el casco antiguo de Villarreal del Monte
El casco antiguo de Villarreal del Monte se recorre fácilmente a pie en una mañana. Sus calles estrechas y empedradas suben desde la plaza mayor hasta las ruinas del castillo, desde donde se ve todo el valle. Por el camino aparecen pequeñas plazas con fuentes, balcones llenos de geranios y talleres de artesanos que trabajan el cuero y la cerámica.

A mediodía, lo mejor es sentarse en una de las terrazas de la plaza y pedir unas tapas. Los vecinos recomiendan el queso de oveja de la zona y las croquetas caseras del bar que hay junto al ayuntamiento. Por la tarde, el museo municipal muestra la historia del pueblo con fotografías antiguas y herramientas del campo.
"""),
    ("ja", r"""
@@ utf8 | 雨の日の図書館の楽しみ方
雨の日は外に出かけるのが少しおっくうになりますが、図書館で過ごすにはぴったりの日です。窓の外の雨音を聞きながら本を読んでいると、いつもより集中できるような気がします。

最近の図書館は、本を借りるだけの場所ではありません。新聞や雑誌を読めるコーナー、調べものを手伝ってくれるカウンター、子ども向けのおはなし会など、さまざまなサービスがあります。地域の歴史に関する資料を集めた棚を眺めてみると、自分の住んでいる町の意外な一面を知ることができます。

普段は手に取らない分野の棚を歩いてみるのもおすすめです。料理、園芸、天文、旅行記など、偶然見つけた一冊が新しい趣味のきっかけになるかもしれません。帰りには、読みきれなかった本を何冊か借りて、家でゆっくり続きを楽しみましょう。

@@ utf8 | 家庭でできるぬか漬けの基本
ぬか漬けは、米ぬかに塩と水を混ぜて作ったぬか床に野菜を漬ける、昔ながらの保存食です。きゅうりやなす、にんじん、大根など、身近な野菜でおいしく作ることができます。

ぬか床は毎日一回、底からしっかりかき混ぜることが大切です。空気を入れることで、乳酸菌などの良い菌が元気に働き、嫌なにおいの発生を防ぎます。夏は発酵が早いので、冷蔵庫に入れて管理すると安心です。

漬ける時間は野菜の種類や大きさによって変わりますが、きゅうりなら半日から一日ほどが目安です。自分好みの漬かり具合を見つけるのも、ぬか漬けの楽しみのひとつです。
"""),
]:
    for _art in _parse(_block):
        OTHER_LANG.append({"lang": _lang, "charset_hint": _art["topic"],
                           "title": _art["title"], "paras": _art["paras"]})


# --------------------------------------------------------------------------- forum comments
# Hostile comments: insults and contempt aimed at a person, mild to moderate.
OFFENSIVE_EN = [
    "You are a complete idiot. Did you even read the article before typing that garbage?",
    "What a moron. People like you are the reason this forum is unreadable.",
    "Shut up. Nobody asked for your stupid opinion and nobody ever will.",
    "This is the dumbest take I have seen all week. Are you brain dead or just pretending?",
    "Go away, loser. Nobody here wants you around.",
    "You're pathetic. Get a life instead of trolling this thread all day.",
    "Only a clueless fool would write something this idiotic and hit post.",
    "Are you really this stupid, or do you practise every morning?",
    "You absolute clown, stop embarrassing yourself in every single thread.",
    "Nobody cares what you think, you worthless troll.",
    "Typical idiot comment. Crawl back under whatever rock you came from.",
    "Your brain must be the size of a pea. Please stop posting.",
    "What a useless, lazy author. Whoever hired this incompetent hack should be fired too.",
    "Get lost, you ignorant jerk. Your replies are a waste of everyone's time.",
    "I hope the moderators ban you, you obnoxious little pest.",
    "Shut your mouth, you know nothing about cooking, you halfwit.",
    "You are a disgrace. Every post you make is stupid garbage from start to finish.",
    "Stupid, stupid, stupid. You people in this thread are all morons.",
    "Learn to read, you dimwit, then come back and try again.",
    "Go cry somewhere else, you whiny baby. Absolutely pathetic.",
    "Idiots like you should not be allowed anywhere near a keyboard.",
    "Wow, another brainless reply from the village idiot. Shocking.",
]

# Civil comments of similar length, including disagreement and hard negatives.
CIVIL_EN = [
    "Thanks for the recipe. I made the lentil soup last night and my kids asked for seconds.",
    "I respectfully disagree about interest rates. In my town prices kept rising even when rates went up.",
    "Great article. I walked the coastal path last summer and the view from the chapel really is worth the climb.",
    "I felt like an idiot for forgetting the salt, but the bread still turned out surprisingly well.",
    "Does anyone know whether the library volunteer scheme needs any special training?",
    "Interesting point about boring software. Our team switched back to a plain database and we sleep better now.",
    "I think the author overstates the benefits a little, but the overall advice seems sensible.",
    "My grandmother used to tell a version of this folk tale with a fox instead of a wolf.",
    "Could you share the source for the figure on solid-state drive endurance? I would like to read more.",
    "Lovely photos. We stayed in the same village two winters ago and the baths were wonderful.",
    "I was sceptical about password managers until a breach hit one of my old accounts. Never again.",
    "Small correction: the footbridge vote was nine to three, not ten to two. Otherwise a good summary.",
    "As a nurse I would add that hand washing before touching your face matters just as much.",
    "This made me want to pick up my old guitar again. Thank you for the encouragement.",
    "I see your point, but I still prefer standing for most of the day. It works for my back.",
    "The market move sounds great. Will there be bike parking near Station Square?",
    "Stupid question maybe, but can quick pickles be made with apple cider vinegar only?",
    "Well written and clear. I finally understand why the sky goes red at sunset.",
    "Congratulations to the robotics team! Our club competed against them and they were fantastic.",
    "I am not sure I agree with every conclusion, but I appreciated the balanced tone.",
    "Thanks for explaining comparative advantage so simply. I am sharing this with my students.",
    "We planted wildflowers last spring and counted at least six kinds of bees in July.",
]

OFFENSIVE_ZH = [
    "滚开，你这个白痴，别在这里丢人现眼了。",
    "你是不是脑子进水了？这种话也说得出口。",
    "什么垃圾文章，作者就是个傻子。",
    "闭嘴吧，没人想听你的废话。",
    "蠢货，连这都不懂还好意思出来评论？",
    "你这种废物就别出来现眼了，赶紧滚。",
    "脑残言论，看了都替你害臊。",
    "楼主是猪吗？这么简单的道理都不明白。",
    "滚回去吧，喷子，天天就知道在这里骂人。",
    "智障才会相信这种东西，醒醒吧你。",
    "你算什么东西，也配在这里指手画脚？",
    "一看就是没文化的蠢人，懒得跟你说。",
    "笨蛋，先学会认字再来发言。",
    "真是个白痴，跟你说话都浪费时间。",
    "无知的家伙，赶紧闭嘴滚蛋。",
    "这种人就是网上的垃圾，建议直接封号。",
    "你家里人没教过你怎么说话吗？没素质的东西。",
    "傻瓜才会买这种东西，卖家就是个骗子，买家也是蠢货。",
    "神经病，天天在这里胡说八道。",
    "废话连篇的蠢货，赶紧删帖吧。",
    "小编是饭桶吗？写的什么玩意儿，丢人。",
    "你就是个没脑子的跟风狗，别再回复我了。",
]

CIVIL_ZH = [
    "谢谢分享，照着做了一锅红烧肉，家里人都说好吃。",
    "我有点不同意作者的看法，我们这里利率降了，房价也没有涨。",
    "写得很清楚，终于明白为什么天空是蓝色的了。",
    "第一次蒸馒头就塌了，我当时觉得自己像个傻瓜，看了这篇才知道是发过头了。",
    "请问图书馆的志愿者需要提前培训吗？我也想报名。",
    "去年去过那个水乡古镇，确实很安静，推荐大家去走走。",
    "文章说得有道理，不过我觉得快充对电池的影响没有那么大。",
    "我家孩子也在学机器人，看到这个新闻很受鼓舞，恭喜同学们！",
    "小店老板真不容易，我们楼下那家也开了十几年了。",
    "补充一点：洗手之后最好用干净的毛巾擦干，湿手更容易沾细菌。",
    "有没有人知道夜市附近哪里好停车？周末想带家人去逛逛。",
    "作者的观点我部分赞同，但是数据来源能不能注明一下？",
    "我小时候奶奶也讲过类似的故事，读起来特别亲切。",
    "最近开始练书法，每天写半小时，心确实静下来了。",
    "谢谢科普，以后再也不会随便扫陌生的二维码了。",
    "三十多岁开始学钢琴，现在能弹几首简单的曲子了，大家加油。",
    "排水系统这次表现不错，我们小区门口以前一下雨就积水。",
    "这个问题可能有点傻，泡菜坛子一定要用陶的吗？玻璃的行不行？",
    "观点不同可以讨论，希望大家评论区都友善一点。",
    "看完马上站起来活动了一下，久坐真的要注意。",
    "文章写得很用心，期待作者多写一些关于历史的内容。",
    "我们社区也在搞花园改造，可以借鉴一下这里的做法。",
]

# --------------------------------------------------------------------------- junk snippets
JUNK_EN = [
    "Click here", "Loading...", "Home | About | Contact", "Please enable JavaScript to view this page.",
    "Read more »", "Subscribe", "Page 1 of 1", "Sign in", "null", "Copyright © 2024",
    "OK", "Redirecting…", "Back to top", "Share this: Facebook Twitter Email", "ERROR",
    "2024-05-03", "Continue reading", "Advertisement", "first!", "+1", "lol", "...", "bump",
]
JUNK_ZH = [
    "订阅", "正在加载...", "首页 | 关于我们 | 联系我们", "请点击这里", "暂无内容", "返回顶部",
    "沙发", "顶", "2024年5月3日", "分享到：微信 微博 QQ空间", "更多>>", "登录 | 注册",
    "广告", "赞", "mark一下", "。。。", "已删除", "该内容已被隐藏",
]

# --------------------------------------------------------------------------- spam vocabulary
SPAM_EN_GROUPS = {
    "casino": ["casino bonus", "online casino", "free spins no deposit", "best casino bonus 2024",
               "slots real money", "casino bonus codes", "sports betting tips", "poker bonus"],
    "loans": ["cheap loans", "payday loans same day", "bad credit loans", "instant cash advance",
              "guaranteed approval loans", "no credit check loans", "fast cash now", "loans online"],
    "pharma": ["discount pharmacy", "cheap pills online", "weight loss pills", "diet pills fast",
               "buy meds online", "miracle fat burner", "best supplements 2024", "pharmacy deals"],
    "replica": ["replica watches", "cheap designer bags", "luxury watches outlet", "replica handbags",
                "discount sunglasses", "designer shoes sale", "cheap watches", "brand outlet store"],
    "seo": ["buy backlinks", "cheap seo services", "rank #1 on google", "seo backlinks package",
            "increase traffic fast", "buy followers", "website traffic cheap", "guest post service"],
}
SPAM_EN_PHRASES = [
    "CALL NOW", "LIMITED OFFER", "100% GUARANTEED", "ACT TODAY", "BEST PRICE", "NO RISK",
    "CLICK HERE", "FREE BONUS", "WIN BIG", "APPROVED IN 5 MINUTES", "!!!", "VISIT OUR SITE",
]

SPAM_ZH_GROUPS = {
    "lottery": ["彩票", "开奖", "官网", "注册送彩金", "彩票开奖结果", "时时彩计划", "彩票平台",
                "首存优惠", "官方网址", "彩金秒到"],
    "loans": ["网贷", "秒批", "黑户可贷", "无抵押贷款", "当天放款", "小额贷款", "急用钱",
              "征信不好也能贷", "低息", "额度高"],
    "invoice": ["代开发票", "正规发票", "增值税发票", "各类发票", "点数低", "可验证", "全国代开",
                "发票代办"],
    "parttime": ["刷单兼职", "日结", "日赚三百", "手机兼职", "在家赚钱", "宝妈兼职", "轻松月入过万",
                 "无需押金"],
    "diet": ["减肥药", "一周瘦十斤", "不反弹", "纯天然", "快速瘦身", "瘦身茶", "明星同款",
             "无效退款"],
    "replica": ["高仿手表", "一比一复刻", "名牌包包", "奢侈品代购", "工厂直销", "原单尾货",
                "超A货", "全网最低价"],
}
SPAM_ZH_PHRASES = [
    "加微信", "联系客服", "火爆招商", "限时优惠", "点击进入", "免费领取", "！！！", "官方唯一",
    "信誉保证", "24小时在线", "立即注册", "诚信经营",
]

# --------------------------------------------------------------------------- page chrome
SITE_COMMENTS_EN = [
    "Great read, thanks for writing this.", "Bookmarked for later!", "I never knew that. Fascinating.",
    "Shared this with my family.", "Could you write a follow-up on this?", "Very helpful, thank you.",
    "Nice article, but the photos would help.", "This is exactly what I was looking for.",
    "Interesting perspective.", "Thanks! Clear and easy to follow.", "Printed this out for my dad.",
    "Good summary.", "Keep up the good work.", "Agree with most of this.",
]
SITE_COMMENTS_ZH = [
    "写得真好，收藏了。", "涨知识了，谢谢作者。", "已转发给家人。", "期待下一篇！", "学习了。",
    "说得很有道理。", "图文并茂就更好了。", "终于弄明白了。", "很实用，赞一个。", "支持一下。",
    "内容很详细。", "转发了。", "第一次知道这些。", "好文章。",
]

# --------------------------------------------------------------------------- FineWeb-only pages
# Well-formed, well-punctuated pages that Gopher and C4 let through but FineWeb's line rules reject
# (category ``fineweb_only``): ``short_lines`` pages are Q&A lists whose lines are nearly all short
# (FineWeb's short-line ratio: <= 30 characters, CJK <= 15), ``dup_line`` pages repeat one stock
# sentence under several notices (FineWeb's duplicated-line character ratio, but too few repeats for
# Gopher's duplicate-line limits). Each: lang, site key, kind, title, lines (one <p> each).
FINEWEB_ONLY: list[dict] = [
    dict(lang="en", site="kitchen", kind="short_lines",
         title="Leftovers and freezing: your questions answered",
         lines=[
             "Readers send us the same questions about leftovers every week, so here are our short answers.",
             "Can I freeze cooked rice?",
             "Yes, for up to one month.",
             "Is it safe to refreeze meat?",
             "Only if it thawed in a fridge.",
             "How long does soup keep?",
             "About four days when chilled.",
             "Should hot food cool first?",
             "Yes, but never over two hours.",
             "Can bread go in the freezer?",
             "Yes, and toast it from frozen.",
             "What about cooked pasta?",
             "Toss it in oil and lay it flat.",
             "Do frozen herbs stay tasty?",
             "Most do when kept in olive oil.",
             "Why did my sauce split?",
             "Cream sauces often do; whisk.",
             "How should I label the bags?",
             "Write the dish and the date.",
             "Is freezer burn harmful?",
             "No, it only spoils the texture.",
             "Send us your own questions and we will answer the best ones in next month's column.",
         ]),
    dict(lang="en", site="gazette", kind="dup_line",
         title="Road works and closures around Millbrook this week",
         lines=[
             "Several crews are busy across town this week, so plan ahead before setting out.",
             "Elm Street is closed between the railway bridge and Carter Road until Wednesday.",
             "Diversions will be signposted.",
             "Temporary lights stand on Mill Lane while the school pavement is widened.",
             "Buses on route 4 may run ten minutes late in the morning.",
             "Diversions will be signposted.",
             "A night crew resurfaces the northbound side of Harbour Road on Thursday.",
             "Parking on Queen's Terrace is suspended while a crane lifts library roof panels.",
             "Diversions will be signposted.",
             "Over the weekend, Station Approach narrows to one lane for drain repairs.",
             "Diversions will be signposted.",
             "Council officers expect every scheme to finish by the end of the month.",
         ]),
    dict(lang="zh", site="jiankang", kind="short_lines",
         title="夏季饮食常见问题解答",
         lines=[
             "夏天气温高，食物容易变质，不少读者来信询问饮食方面的问题，我们请营养师作了简要解答。",
             "隔夜的米饭还能吃吗？",
             "冷藏保存的可以，要热透再吃。",
             "西瓜切开后能放多久？",
             "包上保鲜膜冷藏，一天内吃完。",
             "绿豆汤要不要加冰？",
             "脾胃虚弱的人最好少加冰。",
             "剩菜可以反复加热吗？",
             "不建议，每次只热吃得完的量。",
             "冰箱里的熟肉能放几天？",
             "一般不要超过三天。",
             "凉拌菜怎样吃更卫生？",
             "生熟砧板分开，现做现吃。",
             "每天喝多少水比较合适？",
             "成年人大约一千五百毫升。",
             "出汗多时要补充盐分吗？",
             "可以喝些淡盐水或运动饮料。",
             "如果您还有其他疑问，欢迎在文章下方留言，我们会在下期继续整理回答。",
         ]),
    dict(lang="zh", site="xinwen", kind="dup_line",
         title="本周停水停电及道路施工信息汇总",
         lines=[
             "为配合城市供水管网改造，和平路沿线小区将于周三白天暂停供水，请居民提前储水。",
             "因电力线路检修，滨河路北段商户周四上午停电，冷藏商品请提前做好安排。",
             "具体时间以现场通知为准，给您带来不便，敬请谅解。",
             "清河大桥引桥路面维修期间，桥上实行单向通行，部分公交线路临时绕行。",
             "市民广场东侧停车场封闭施工，约两周后重新开放，车辆可停放在体育馆地下车库。",
             "具体时间以现场通知为准，给您带来不便，敬请谅解。",
             "中心医院门诊楼电梯本周五进行年检，就诊群众可使用北侧楼梯或临时开放的员工电梯。",
             "东湖公园南门因更换闸机暂停开放，游客请从西门或北门进出。",
             "市图书馆自习室空调检修期间暂停开放，读者可前往三楼阅览室学习。",
             "具体时间以现场通知为准，给您带来不便，敬请谅解。",
             "周末两天，老城区燃气管道进行安全巡检，工作人员上门时会出示证件，请市民配合。",
             "具体时间以现场通知为准，给您带来不便，敬请谅解。",
             "如发现管道漏水、路面塌陷等情况，可拨打城市服务热线反映。",
         ]),
]

"""Hand-written English articles for the sample crawl.

Every article here was written for this sample (no copied text). Each one is distinct, so the
only near-duplicates in the crawl are the ones the generator makes on purpose. The text is
kept as plain blocks and parsed once at import time:

    @@ topic | Title
    First paragraph on one line.

    Second paragraph ...
"""

from __future__ import annotations

_TEXT: list[str] = []


def _parse(text: str) -> list[dict]:
    """Split ``@@ topic | title`` blocks into ``{"topic", "title", "paras"}`` dicts."""
    articles = []
    for block in text.split("\n@@ ")[1:]:
        head, _, body = block.partition("\n")
        topic, _, title = head.partition("|")
        paras = [" ".join(p.split()) for p in body.strip().split("\n\n") if p.strip()]
        articles.append({"topic": topic.strip(), "title": title.strip(), "paras": paras})
    return articles


_TEXT.append(r"""
@@ science | Why the Sky Turns Red at Sunset
Anyone who has watched the sun go down over the sea has seen the colours shift from pale gold to orange and finally to a deep, smoky red. The change is not a trick of the eye. It comes from the way sunlight interacts with the air it has to cross before it reaches us, and the explanation is one of the tidiest stories in everyday physics.

Sunlight looks white, but it is a mixture of every visible colour. When that light enters the atmosphere it meets nitrogen and oxygen molecules that are far smaller than the wavelength of the light itself. Tiny particles like these scatter short wavelengths much more strongly than long ones, so blue and violet light is bounced around the sky in every direction while red and orange light tends to carry straight on. During the middle of the day, that scattered blue light is what fills the sky above our heads.

At sunset the geometry changes. The sun sits low on the horizon, and its light has to travel through a much thicker slice of atmosphere to reach an observer. Along that long path most of the blue has already been scattered away to the sides, lighting up the sky for people somewhere else. What survives the journey is mostly the longer wavelengths, which is why the disc of the sun and the clouds around it glow red and orange.

Dust, smoke and sea salt make the effect stronger. Larger particles scatter light in a less selective way, and they add haze that deepens the colours near the horizon. After large volcanic eruptions, fine particles can linger high in the atmosphere for months, and observers around the world have reported unusually vivid sunsets as a result. Painters in past centuries sometimes recorded these skies long before anyone understood the cause.

The same principle explains why distant mountains look bluish and why the moon can appear orange when it rises. It also reminds us that the colour of the sky is not a fixed property of the air. It is the result of a journey, and the length of that journey decides what reaches our eyes at the end of the day.

@@ science | How the Moon Pulls the Tides
Twice a day, along most coastlines, the sea creeps up the beach and then slides back again. Fishermen, harbour masters and surfers all plan around this rhythm, and it has been recorded in tide tables for centuries. The driving force behind it is gravity, but the details are more interesting than a simple tug from the moon.

The moon pulls on every part of the Earth, but not equally. The side of the planet facing the moon is slightly closer to it, so it feels a slightly stronger pull than the centre of the Earth does. The far side is slightly farther away and feels a weaker pull. The difference between these forces stretches the oceans into a gentle bulge on the near side and another on the far side. As the Earth turns beneath these two bulges, a given coastline passes through both of them, which is why most places see two high tides a day.

The sun also raises tides, although its effect is a little less than half that of the moon. When the sun, moon and Earth line up, at new moon and full moon, the two effects add together and produce spring tides with a large range between high and low water. When the sun and moon pull at right angles, during the quarter moons, they partly cancel and produce the smaller neap tides. The word spring here has nothing to do with the season; it refers to the water springing higher.

Real tides are shaped by the land as much as by the sky. Narrow bays and funnel-shaped estuaries can amplify the rise and fall dramatically, while some enclosed seas have almost no tide at all. The timing can also be delayed by hours as the water moves around continents and across shallow shelves. This is why tide tables are calculated for individual ports rather than for whole oceans.

Understanding tides matters for more than boating. Tidal currents shape mudflats and salt marshes, carry nutrients to coastal ecosystems and can be harnessed to generate electricity. Coastal engineers study them carefully when they design sea walls and harbours, because a structure that ignores the highest spring tide will not last long.

@@ science | What Happens Inside a Lightning Bolt
A single flash of lightning lasts only a fraction of a second, yet it can heat the air around it to temperatures several times hotter than the surface of the sun. That sudden heating is what produces thunder, and the whole sequence begins with something as ordinary as ice crystals bumping into each other inside a cloud.

Thunderstorm clouds have strong updrafts that carry water droplets high into freezing air. There the droplets form ice crystals and soft pellets of rime called graupel. As these particles collide, electric charge is transferred between them. The lighter crystals tend to carry positive charge upward toward the top of the cloud, while the heavier graupel carries negative charge lower down. Over minutes, the cloud becomes a huge battery with opposite charges separated by kilometres of air.

Air is normally a good insulator, but only up to a point. When the electric field becomes strong enough, a faint channel of ionised air called a stepped leader begins to push downward from the cloud in short jumps. As it approaches the ground, objects such as trees and towers send up their own small streamers. When a streamer and a leader meet, the circuit is complete and a powerful return stroke races back up the channel. That return stroke is the bright flash we actually see.

The channel is only a few centimetres wide, but it carries an enormous current. The air inside expands so quickly that it creates a shock wave, which travels outward and becomes the rumble of thunder. Because light arrives almost instantly while sound travels about a kilometre every three seconds, counting the gap between flash and thunder gives a rough estimate of how far away the strike was.

Most lightning never touches the ground at all. It jumps between different parts of the same cloud or between neighbouring clouds. The strikes that do reach the ground tend to hit tall, isolated objects, which is why lightning rods work and why standing alone in an open field during a storm is a poor idea. The safest place is inside a solid building or a car with a metal roof.

@@ science | The Quiet Work of Soil Microbes
A teaspoon of healthy garden soil can contain more living organisms than there are people on Earth. Most of them are bacteria and fungi too small to see, and they spend their lives breaking things down and building things up in ways that keep forests standing and crops growing.

The most visible part of their work is decomposition. When a leaf falls or a root dies, fungi send fine threads into the tissue and release enzymes that dissolve tough materials such as cellulose and lignin. Bacteria then take over the simpler compounds. Step by step, the dead material is turned into carbon dioxide, water and a dark, stable substance called humus, which holds moisture and nutrients in the soil like a sponge.

Some microbes go further and form partnerships with plants. Certain bacteria living in small nodules on the roots of beans, peas and clover can take nitrogen gas from the air and convert it into a form plants can use. In return, the plant feeds them sugars. Many fungi form networks around and inside plant roots, extending the reach of the root system and trading minerals such as phosphorus for carbon. These relationships are so common that most land plants depend on them.

Soil microbes also influence the climate. Through decomposition they release carbon to the atmosphere, but they also help lock carbon away in long-lived soil organic matter. Farming practices such as leaving crop residues on the field, planting cover crops and reducing ploughing can tilt that balance toward storage. Researchers are still measuring how large the effect can be, and the answer varies a great deal from one soil to another.

For a home gardener, the lesson is simple. Feeding the soil with compost and mulch feeds the microbes, and the microbes in turn feed the plants. Bare, compacted ground starves them, while a covered, gently handled bed lets them thrive. The results show up slowly, but they last.

@@ science | Why Ice Floats and Why It Matters
Drop an ice cube into a glass of water and it bobs at the surface. It seems too ordinary to notice, yet most substances behave the opposite way: their solid form is denser than their liquid form and sinks. Water is an exception, and that exception has shaped life on Earth.

The explanation lies in the shape of the water molecule and the hydrogen bonds it forms. Each molecule has a slightly negative oxygen end and two slightly positive hydrogen ends. In liquid water, molecules tumble past each other, forming and breaking bonds constantly, so they can pack fairly closely. When water freezes, the molecules lock into an open hexagonal lattice in which each one is held at arm's length by its neighbours. That open structure takes up more space, so ice is roughly nine percent less dense than liquid water.

Water also reaches its greatest density at about four degrees Celsius, slightly above freezing. As a lake cools in autumn, the surface water becomes denser and sinks until the whole lake is near four degrees. Further cooling makes the surface water lighter, so it stays on top and eventually freezes. The result is a lid of ice over a body of liquid water that stays just above freezing all winter.

This matters enormously for aquatic life. If ice sank, lakes and ponds in cold climates would freeze from the bottom up and could become solid blocks of ice, killing fish and plants. Instead, the floating ice insulates the water below, and life continues beneath it until spring. Sea ice plays a similar role in polar oceans, and its bright surface reflects sunlight back to space, which influences global temperatures.

The expansion of freezing water has less welcome effects too. Water that seeps into cracks in rock or concrete expands when it freezes and slowly pries the material apart. Burst pipes in winter are caused by the same process. A simple property of one small molecule ends up shaping mountains, roads and the survival of entire ecosystems.

@@ science | How Astronomers Measure the Distance to Stars
Look up on a clear night and every star seems to sit on the same dark dome. In reality some are a few light years away and others are thousands of times farther. Working out which is which took astronomers centuries, and the methods they developed fit together like the rungs of a ladder.

The first rung is parallax. Hold a finger in front of your face and close one eye, then the other, and the finger appears to jump against the background. Astronomers do the same thing using the Earth's orbit. They observe a nearby star in one season and again six months later, when the Earth is on the other side of the sun. The tiny shift in the star's position, combined with the known size of the orbit, gives its distance through simple geometry. The angles involved are minute, far smaller than a single degree, which is why the first successful measurements were not made until the nineteenth century.

Parallax only works for relatively nearby stars. For more distant objects astronomers use standard candles, which are objects whose true brightness is known. Certain pulsating stars change brightness in a regular cycle, and the length of the cycle is linked to how luminous they really are. By measuring the cycle and comparing the true brightness with how faint the star appears, astronomers can calculate how far away it must be. This method extended measurements to neighbouring galaxies.

For the most distant galaxies, astronomers rely on even brighter markers, such as a particular type of exploding star that reaches a consistent peak brightness. They also use the way light from distant galaxies is stretched toward the red end of the spectrum as the universe expands. Each method is calibrated using the one below it, so an error at the bottom of the ladder spreads upward.

Space telescopes have made the bottom rungs much stronger by measuring parallax for huge numbers of stars with remarkable precision. The result is a three-dimensional map of our part of the galaxy, and a firmer base for every distance measured beyond it.

@@ history | The Long Life of the Printing Press
Before movable type arrived in Europe, a book was copied by hand, one page at a time. A single Bible could occupy a skilled scribe for many months, and books were correspondingly rare and expensive. The printing press did not invent reading, but it changed who could afford to read and how quickly ideas could travel.

The essential idea was to cast individual letters in metal so that they could be arranged into lines, inked, pressed onto paper and then taken apart and reused. Printers in East Asia had experimented with movable type centuries earlier, using ceramic, wood and metal. In fifteenth-century Europe, the combination of a durable metal alloy for type, an oil-based ink that clung to metal and a screw press adapted from wine and paper making made the process fast and reliable enough to become a business.

Printing shops spread quickly through trading cities. Within a few decades, presses were running in many parts of Europe, producing religious texts, grammars, calendars, legal documents and popular pamphlets. Because many identical copies could be made at once, a text printed in one city could be read in the same form hundreds of kilometres away. Scholars could refer to the same page numbers, and errors could be corrected in later editions rather than multiplied by each new copyist.

The social effects were wide. Cheap pamphlets carried arguments about religion and politics to people who had never owned a book. Standardised spelling and grammar slowly took shape as printers chose one form over another. Maps, technical drawings and scientific tables could be reproduced accurately, which helped craftsmen and researchers build on each other's work. Governments and churches soon tried to control what was printed, a sign of how powerful the technology had become.

The basic hand press changed surprisingly little for more than three hundred years. Only in the nineteenth century did iron frames, steam power and rotary presses multiply output again, feeding the rise of daily newspapers. Each of those later machines, and even the digital screen, owes something to the simple idea of reusable letters.

@@ history | Roman Roads and the Logistics of Empire
The saying that all roads lead to Rome contains a practical truth. At its height, the Roman state maintained a network of paved highways that stretched for tens of thousands of kilometres, from Britain to the Middle East. These roads were not built for sightseeing. They were the arteries that allowed an empire to move soldiers, officials, messages and goods across vast distances.

Roman engineers favoured routes that were as straight as the terrain allowed. Surveyors used simple instruments, including a cross-shaped device with hanging plumb lines, to lay out long alignments. A major road was built in layers: a trench was dug, then filled with large stones, smaller rubble, gravel and sand, and finally topped with fitted paving stones in many places. The surface was cambered so that rain ran off into ditches at the sides. Well-built sections could last for centuries with little maintenance.

The roads supported an official courier system. Messengers travelled between waystations where they could change horses, eat and rest. Under good conditions, important news could cover impressive distances in a day, which allowed governors and commanders to stay in touch with the centre. Milestones along the way recorded distances and often named the emperor responsible for the work, turning each road into a piece of political advertising.

Trade followed the soldiers. Merchants used the same routes to carry wine, olive oil, pottery and metal goods, although heavy freight still moved more cheaply by sea and river. Towns grew up at crossroads and river crossings, and many modern European cities still sit on sites chosen because a Roman road passed through. In some regions, later roads simply follow the old Roman line.

When central authority weakened, maintenance faded and many roads broke apart or were stripped for building stone. Yet their influence outlasted the empire. Medieval pilgrims, armies and traders continued to use surviving stretches, and the idea of a centrally planned road network returned in the modern era with national highway systems.

@@ history | The Silk Road Was Never One Road
The phrase Silk Road suggests a single highway running from China to the Mediterranean, with camel trains carrying bolts of silk from one end to the other. The reality was messier and more interesting. It was a shifting web of overland and sea routes, used by many peoples over many centuries, and silk was only one of the goods that moved along it.

Few traders ever made the entire journey. Goods usually travelled in stages, passing from one merchant to another at oasis towns and market cities across Central Asia. A caravan might carry goods from one city to the next and then turn back, while the cargo continued westward in other hands. Prices rose at every stage, which is why silk was such a luxury by the time it reached distant markets.

The trade ran in both directions. Eastern markets received horses, glassware, precious metals, wool and new crops, while western markets gained silk, paper, ceramics and spices. Oasis cities grew wealthy by offering water, lodging, protection and markets, and they became places where languages, religions and styles of art mixed freely. Buddhist monks, for example, travelled the routes and carried texts and ideas with them, leaving behind cave temples and monasteries along the way.

The routes also carried less welcome passengers. Diseases moved with merchants and their animals, and historians believe that some major epidemics spread along these corridors. Political change could close a route for decades, as wars or the collapse of a powerful state made travel unsafe. When one path closed, traders often shifted to another, including sea lanes across the Indian Ocean.

The name itself is modern, coined by a nineteenth-century geographer long after the great caravan era had ended. Today it is used loosely for any long-distance exchange between East and West. Whatever we call it, the network is a reminder that globalisation is not new, and that trade has always moved ideas as well as goods.

@@ history | How Canals Rewired Nineteenth-Century Trade
Before railways spread across the landscape, moving heavy goods overland was slow and costly. A horse pulling a cart on a rough road could manage only a modest load. The same horse pulling a barge on calm water could move many times as much. That simple difference set off a wave of canal building that changed the economics of whole regions.

Canals were expensive and difficult to construct. Engineers had to keep the water level, which meant cutting through hills, building embankments across valleys and designing locks to raise and lower boats where the ground changed height. Aqueducts carried some canals over rivers, and long tunnels took others through ridges. Much of the digging was done by hand, by labourers who moved from project to project.

The payoff came in cheaper freight. Coal, stone, grain and timber could now reach towns and factories at a fraction of their former cost. Industrial districts grew along canal banks, and farmers gained access to distant markets. In some countries a single successful canal sparked a frenzy of investment, with companies racing to connect rivers and cities before their rivals did. Not all of those schemes made money, and some were abandoned half built.

Canals also shaped everyday life. Families lived and worked aboard narrow boats, and small communities grew up around locks and wharves. Inns, stables and warehouses lined the busiest routes. The pace was slow by modern standards, but it was steady and predictable, which mattered to businesses planning their supplies.

The arrival of railways brought a long decline. Trains were faster and could go where water could not, and many canals fell into disrepair during the twentieth century. In recent decades, however, volunteers and local authorities have restored many of them for leisure boating, walking and wildlife. The towpaths that once echoed with horses are now used by cyclists and anglers, and the old locks still work the way they did two hundred years ago.

@@ history | Keeping the Lights On: A Short History of Lighthouses
For as long as ships have sailed near rocky coasts, sailors have needed some way to know where the danger lay after dark. The earliest answer was simply a fire on a hilltop. Over time those fires became towers, and the towers became some of the most carefully engineered buildings of their age.

Ancient harbours sometimes had tall beacon towers, and a few became famous across the known world. For many centuries afterward, however, most coastal lights were modest affairs, often wood or coal fires in open braziers. They consumed enormous amounts of fuel and were easily hidden by rain or smoke. Candles and oil lamps behind glass were an improvement, but their light was weak and scattered in every direction, including straight up into the sky where it helped no one.

The real breakthrough came in the early nineteenth century with a new kind of lens made from concentric rings of glass prisms. Instead of one thick, heavy lens, the design used many thin sections, each bending light toward a single beam. A modest lamp could now be seen far out to sea. Rotating the lens produced a pattern of flashes, and each lighthouse was given its own pattern so that sailors could identify it from charts.

Keeping the light burning was demanding work. Keepers trimmed wicks, polished brass and glass, wound the clockwork that turned the lens and recorded the weather. On remote rocks they might be cut off for weeks by storms, living with a small crew in cramped quarters. Their logbooks are now valued by historians and climate researchers alike.

During the twentieth century electric lamps and automatic controls replaced most keepers. Satellite navigation has since reduced the role of lighthouses further, but many remain in service as a backup and a reassurance. Others have become museums, guesthouses or simply landmarks, still standing on the headlands where they once guided ships home.

@@ history | Telling Time Before Mechanical Clocks
Long before anyone carried a watch, people organised their days, markets and prayers around the passage of time. Without springs or gears, they relied on the sun, the stars, water, sand and fire, and some of their solutions were remarkably precise.

The simplest clock is a stick in the ground. As the sun moves across the sky, the shadow shifts and changes length. Sundials refined this idea with carefully angled pointers and marked dials, and they were common in public squares and gardens in many civilisations. Their weakness was obvious: they were useless at night and on cloudy days, and the length of an hour on a sundial could vary with the seasons.

Water clocks filled the gap. In the simplest version, water dripped steadily from one container into another, and marks on the side showed how much time had passed. Engineers discovered that the flow slowed as the upper vessel emptied, so they added overflow tanks and floats to keep the rate steady. Some elaborate water clocks rang bells, moved figures or drove models of the heavens, and they were treated as marvels in royal courts.

Other methods were more modest. Candles marked with rings burned down at a known rate, and incense sticks served a similar purpose in some regions, sometimes with small weights that dropped at intervals as the incense burned through a thread. Sand glasses were useful aboard ships, where sailors turned them to measure watches and to estimate speed. At night, astronomers and navigators read the time from the positions of familiar stars.

When mechanical clocks driven by falling weights appeared in medieval towers, they were not necessarily more accurate than the best water clocks. Their advantage was that they kept running in any weather and could strike bells for a whole town to hear. Gradually the community came to follow the clock rather than the sun, a quiet change that reshaped work, trade and daily life.

@@ cooking | How to Season and Care for a Cast Iron Pan
A cast iron pan can outlive the person who buys it, but only if it is treated properly. The good news is that caring for one is much easier than its reputation suggests. Most of the rules people worry about come down to a few simple habits.

The black, slick surface of a well-used pan is called seasoning. It is not a coating that was sprayed on at the factory but a thin layer of oil that has been heated until it bonded to the metal and hardened. To build it up at home, wash and dry the pan thoroughly, rub a very thin film of neutral oil over every surface, then wipe off as much as you can, as though you had made a mistake. Bake the pan upside down in a hot oven for about an hour and let it cool inside. Repeating this a few times produces a durable, even finish.

Everyday cooking does most of the rest. Frying, roasting and searing all add to the seasoning. In the first weeks it helps to cook fatty foods and to avoid long simmering of acidic sauces such as tomato or wine, which can strip a young surface. Once the seasoning is established, the pan can handle almost anything.

Cleaning is where many myths live. A little dish soap will not destroy good seasoning, despite what some people say. What does cause harm is leaving the pan soaking in water or putting it in the dishwasher, because bare iron rusts quickly. Wash it while it is still warm, scrub off stuck food with a brush or coarse salt, dry it completely on a low burner and wipe in a few drops of oil before putting it away.

If rust does appear, the pan is not ruined. Scrub the rust away with steel wool until bare metal shows, wash and dry it, and season it again from the beginning. Many cooks treasure pans rescued from flea markets in exactly this condition. With care, the pan will keep improving, and the eggs that once stuck will eventually slide across it.

@@ cooking | A Weeknight Lentil Soup That Tastes Like Sunday
Some soups need a whole afternoon. This one needs about forty minutes, most of which you can spend doing something else, and it still has the deep, comforting flavour of a dish that has been simmering all day. The secret is building flavour in layers at the start and finishing with something bright at the end.

Start with the base. Warm a generous splash of olive oil in a heavy pot and add one chopped onion, two diced carrots and a stick of celery with a pinch of salt. Cook them gently for ten minutes, stirring now and then, until they are soft and just beginning to colour. Add three cloves of sliced garlic, a teaspoon of ground cumin and half a teaspoon of smoked paprika, and stir for a minute until the kitchen smells wonderful. A spoonful of tomato paste cooked briefly with the spices adds savoury depth.

Next come the lentils. Brown or green lentils hold their shape, while red lentils collapse into a thick, velvety purée; both work, so choose according to the texture you prefer. Rinse about two hundred and fifty grams, add them to the pot with a litre and a quarter of stock or water and a bay leaf, and bring everything to a simmer. Cook gently, partly covered, until the lentils are tender. Red lentils take around fifteen minutes, while green ones may need twenty-five or more.

The finish makes the difference. Remove the bay leaf and taste for salt, which lentils need more of than you might expect. Stir in a big handful of spinach or chopped kale until it wilts. Then add the juice of half a lemon or a splash of vinegar. That small amount of acid lifts the whole pot and stops the soup from tasting flat.

Serve it with crusty bread, a spoonful of yoghurt or a drizzle of good oil. The soup thickens as it stands, so add a little water when reheating. It keeps well in the fridge for several days and freezes perfectly, which makes it an ideal dish to double.

@@ cooking | The Science of a Good Bread Crust
The crust is the first thing you notice about a good loaf: the crackle when you press it, the deep brown colour, the smell of toasted grain. It might seem like a lucky accident of the oven, but bakers have learned to control it through a few well-understood chemical and physical steps.

Colour and flavour come mainly from two reactions. The first is caramelisation, in which sugars break down under heat into hundreds of new compounds with nutty, bitter and sweet notes. The second, often more important in bread, is the Maillard reaction between sugars and amino acids from the flour's proteins. It begins in earnest once the surface of the dough dries out and climbs well above the boiling point of water, and it is responsible for much of the rich aroma of baked crusts.

Steam plays a surprising role. Bakeries inject steam into their ovens during the first minutes of baking, and home bakers imitate this with a tray of water, a spray bottle or a covered pot. The moist air keeps the surface of the dough soft, so the loaf can expand fully before the crust sets. The steam also gelatinises starch on the surface, which later dries into a thin, glossy, crackly shell. Once the loaf has risen, the steam is released so that the surface can dry and brown.

Time and temperature finish the job. Many home bakers pull their bread too early, when the crust is merely golden. Leaving it in until it turns a deep chestnut brown develops far more flavour. A long, cool fermentation of the dough helps as well, because enzymes have time to free more sugars that feed the browning reactions.

Finally, the crust needs care after baking. As the loaf cools, moisture from the crumb moves outward. If the bread is wrapped in plastic while warm, that moisture softens the crust within hours. Cooling it on a rack and storing it in paper or a cloth bag keeps the crackle longer.

@@ cooking | Making Stock from Kitchen Scraps
Onion skins, carrot tops, the ends of celery and the bones from a roast chicken usually go straight into the bin. Saved in a bag in the freezer, they can become a pot of stock that makes soups, risottos and sauces noticeably better. Making stock is less a recipe than a habit, and once it becomes routine it costs almost nothing.

Start by keeping a large freezer bag for scraps. Good candidates include onion and leek trimmings, carrot peels, celery leaves, mushroom stems, parsley stalks and the hard ends of herbs. Avoid strongly flavoured vegetables such as cabbage, broccoli and cauliflower, which can make the stock taste sulphurous, and skip anything mouldy or slimy. Bones from roasted chicken or beef add body and flavour, and a few chicken wings add extra gelatin if you want a rich result.

When the bag is full, tip everything into a large pot and cover with cold water by a few centimetres. Add a bay leaf and a few peppercorns, but hold back the salt so you can season the final dish instead. Bring the pot slowly to a bare simmer and keep it there. Vigorous boiling emulsifies fat into the liquid and makes the stock cloudy and greasy, while a gentle bubble keeps it clear.

Vegetable stock needs only about an hour, after which the flavour stops improving. Chicken stock benefits from two to three hours, and beef bones can go longer still. Skim off any foam that rises in the first half hour. When it is done, strain the stock through a fine sieve and let it cool quickly, ideally by setting the pot in a sink of cold water.

Once chilled, the fat will set on top and can be lifted off. Freeze the stock in portions that suit your cooking, such as cups for sauces and larger tubs for soup. An ice cube tray is handy for small amounts. A freezer full of homemade stock turns an ordinary weeknight meal into something that tastes carefully made.

@@ cooking | Quick Pickles Without Special Equipment
Pickling sounds like a project for people with cellars full of jars and a free weekend, but quick pickles need nothing more than a clean jar, a pan and a few minutes. They keep in the fridge for weeks and add crunch and brightness to sandwiches, salads, rice bowls and grilled food.

The basic brine is easy to remember. Combine equal parts vinegar and water, then add about one tablespoon of salt and one to two tablespoons of sugar for every two cups of liquid. Heat it just until the salt and sugar dissolve. White wine vinegar and rice vinegar give a mild, clean flavour, while cider vinegar adds fruitiness. Plain distilled vinegar is sharper and works well with strong spices.

Almost any firm vegetable can be pickled this way. Cucumbers, red onions, carrots, radishes, green beans, cauliflower and thin strips of pepper all work well. Slice them evenly so that they pickle at the same rate, and pack them tightly into a jar. Add flavourings such as garlic cloves, dill, mustard seeds, black peppercorns, chilli flakes or a strip of lemon peel. Pour the hot brine over the vegetables until they are completely covered, leaving a little space at the top.

Let the jar cool to room temperature, close it and put it in the fridge. Thinly sliced onions are ready in under an hour, while carrots and beans improve over a day or two. The flavour continues to develop for about a week. Because these pickles are not heat-processed for long-term storage, they must stay refrigerated, and they are best eaten within a month.

Quick pickles are also a good way to rescue vegetables that are starting to lose their crispness. A handful of radishes or half a cucumber at the back of the fridge can become a bright side dish instead of waste. Once you have made a few jars, it becomes natural to experiment with new combinations of vegetables, vinegars and spices.

@@ cooking | Getting Rice Right: Water, Heat and Patience
Rice is eaten by more people than almost any other food, yet it still manages to humble home cooks with gummy, scorched or crunchy results. The good news is that most problems come from only three things: the type of rice, the amount of water and what happens after the heat goes off.

Different varieties behave differently. Long-grain rice such as basmati cooks into separate, fluffy grains because it contains relatively little of the sticky starch called amylopectin. Short-grain and sushi rice contain more of it and cling together, which is exactly what you want for some dishes. Jasmine rice falls in between and is lightly fragrant. Brown rice keeps its bran layer, so it needs more water and more time. Reading the packet is not a sign of weakness; it is the sensible place to start.

Rinsing helps most white rice. Swirling the grains in a bowl of cold water and pouring it off a few times removes loose surface starch, which otherwise turns the cooking water gluey. For the absorption method, a common starting point is about one and a half cups of water for each cup of long-grain rice, a little less for jasmine and a little more for brown. Bring it to a boil, then cover tightly and turn the heat as low as it will go.

The most important step is also the most neglected. When the water has been absorbed, take the pan off the heat and leave it covered for ten minutes. During this rest the moisture redistributes through the grains, so the top layer finishes cooking and the bottom layer loosens from the pan. Lifting the lid too early lets the steam escape and leaves the rice uneven.

Finally, fluff the rice with a fork or paddle before serving. Leftover rice should be cooled quickly and refrigerated, then eaten within a day or two and reheated until steaming hot. Day-old rice is actually ideal for fried rice, because the grains have dried slightly and separate easily in a hot pan.

@@ travel | Three Slow Days in an Old Harbour Town
Port Aldine is the kind of place that rewards people who stop hurrying. The town clings to a steep hillside above a working harbour, and its lanes are too narrow for tour buses. Over three days there, I learned that the best plan was hardly to have one.

The first morning began at the fish quay, where boats unload before dawn and buyers bid in a hall that smells of salt and diesel. Visitors are allowed to watch from a painted line, and nobody seemed to mind a few quiet onlookers. Afterward the café across the road served thick coffee and warm bread rolls to fishermen coming off the night shift. I sat by the window and watched the harbour slowly fill with light.

The old town climbs behind the quay in a maze of stairways. Houses are painted in faded blues, yellows and greens, supposedly so that sailors could spot their own homes from the water. Small workshops still mend nets and carve wooden floats, and one elderly sailmaker was happy to explain his craft in exchange for a little patience with his stories. At the top of the hill, a chapel overlooks the bay, and the view from its steps is worth every one of the climb's several hundred stairs.

On the second day I walked the coastal path east of town. It follows the cliffs past small coves where seals haul out on the rocks at low tide. The path is well marked but steep in places, so sturdy shoes and water are essential. A tiny village at the far end has a single pub that serves a famous crab sandwich, and a local bus brings walkers back to Port Aldine in the late afternoon.

My last day was mostly spent doing nothing in particular: reading on the harbour wall, browsing a second-hand bookshop and eating grilled sardines at a long shared table. Port Aldine has few famous sights, and that is its charm. It is a working town that happens to be beautiful, and it is best enjoyed at the pace of the people who live there.

@@ travel | Riding Night Trains: A Practical Guide
There is something old-fashioned and appealing about going to sleep in one city and waking up in another. Night trains save a night of hotel costs, avoid the airport altogether and turn travel time into rest time. After several long journeys in sleeping cars, I have learned a few things that make the experience far more pleasant.

Choosing the right berth matters. Most night trains offer reclining seats, shared couchettes with four or six bunks, and private sleeper compartments with one to three beds. Seats are cheapest but make real sleep difficult. Couchettes are a good compromise for solo travellers on a budget, and many routes offer women-only compartments on request. Private sleepers cost more but often include a washbasin, bedding and sometimes breakfast. Booking early usually secures the best prices and the lower bunks, which are easier to reach.

Pack with the small space in mind. A soft bag fits more easily under a bunk or on the luggage shelf than a large rigid suitcase. Keep a small pouch with everything you need for the night within reach: earplugs, an eye mask, a toothbrush, a water bottle, a phone charger and a warm layer, since air conditioning can make compartments chilly. Valuables are safest in the bed with you or in a locked compartment.

Food is worth planning too. Some trains have restaurant cars with surprisingly good meals, while others offer only a trolley with snacks. Buying bread, cheese, fruit and something to drink before departure is a reliable fallback, and sharing a picnic is a friendly way to meet compartment neighbours. Check whether the train makes long stops where you can step onto the platform.

Finally, expect the unexpected. Night trains can be delayed, carriages sometimes split to different destinations during the night, and border checks may wake you at odd hours. Make sure you are in the correct carriage, not just the correct train. Handled with a little patience, the journey itself becomes part of the trip rather than an obstacle between destinations.

@@ travel | Packing Light for a Two-Week Trip
Travelling with only a carry-on bag for two weeks sounds impossible to many people, yet it is easier than it seems and makes every part of a trip simpler. You move faster through stations, never wait at baggage carousels and can climb stairs to a top-floor guesthouse without dread. The trick is not packing less of everything but packing smarter.

Begin with a colour plan. If all your clothes work with two or three base colours, every top goes with every pair of trousers, and a handful of items produces many outfits. Choose fabrics that dry quickly and resist wrinkles, such as merino wool or light synthetic blends. A typical list for two weeks might be five tops, two pairs of trousers or one pair plus a skirt, a warm layer, a light rain jacket, four or five sets of underwear and socks, and sleepwear.

Shoes take the most space, so limit yourself to two pairs at most: one comfortable pair for walking, worn during travel, and one lighter pair that can pass for smart. Wear your bulkiest clothes on the plane or train rather than packing them. Rolling soft clothes and using packing cubes keeps the bag tidy and makes it easy to find things without unpacking everything.

Plan to do laundry. A small bar of travel soap or a few sachets of detergent let you wash clothes in a sink, and most items will dry overnight if you roll them in a towel first. Many guesthouses also offer an inexpensive laundry service. Washing once or twice during the trip is what allows a small wardrobe to last two weeks.

Toiletries can be bought at your destination, so bring only small containers of essentials. Leave behind the just-in-case items that you never use. Most travellers who try a carry-on trip once find that they do not miss the extra things at all, and that the freedom of a light bag is worth far more than a wider choice of shirts.

@@ travel | Winter at a Mountain Hot-Spring Village
Snow was falling softly when the bus from the valley dropped us at the edge of Kuroyu, a small village built around natural hot springs high in the mountains. Steam rose from channels running beside the main street, and the smell of minerals hung in the cold air. It felt like stepping into a different season of life altogether.

The village has a handful of traditional inns, each with its own baths fed by springs that emerge from the hillside. Guests wander the lanes in cotton robes and wooden sandals, moving from one bath to another with a pass that grants entry to several inns. Each spring has a slightly different character: one milky and smelling faintly of sulphur, another clear and mild, another rust coloured with iron. Locals credit each with different benefits, though everyone agrees they are wonderfully warm.

Bathing etiquette takes a moment to learn. You wash thoroughly at the shower stations before entering the communal bath, keep your small towel out of the water and speak quietly. Most baths are separated by gender, and some inns offer private baths that can be reserved by the hour. Sitting in hot water while snow lands on your shoulders is an experience that is hard to describe and easy to remember.

Meals are an event of their own. Dinner at our inn was served in the room as a long procession of small dishes: mountain vegetables, river fish grilled on skewers, pickles, tofu simmered at the table and rice cooked with chestnuts. Breakfast was just as careful, with miso soup, grilled fish and a soft egg cooked in the spring water itself.

Getting there requires some planning in winter. The road is narrow and buses run only a few times a day, so it is wise to confirm the timetable in advance and carry warm layers in case of delays. Most inns book out early for the snowy months. Those who make the journey find a place that seems almost untouched by the pace of the modern world.

@@ travel | Getting Around Where You Do Not Speak the Language
Arriving in a city where you cannot read the signs or understand the announcements can be intimidating. Yet millions of people do it every year and manage perfectly well. A little preparation and a relaxed attitude go a long way, and the experience can become one of the most memorable parts of a trip.

Before leaving home, download offline maps of the city and save the addresses of your accommodation and key sights in both your own language and the local script. Showing a taxi driver or a passer-by an address written in their language is far more effective than trying to pronounce it. A translation app that works offline can help with menus and signs, and many apps can translate text through the phone's camera in real time.

Public transport is usually easier than it first appears. Metro systems in large cities tend to use colours and numbers for their lines, which need no translation. Learning the names of the end stations of the lines you plan to use helps you choose the right platform. Rechargeable transport cards save fumbling with ticket machines, and station staff are often used to helping visitors who simply point at a map.

Learn a handful of words. Hello, please, thank you, excuse me, how much and where is, together with numbers from one to ten, cover a surprising number of situations. People generally respond warmly to even clumsy attempts at their language, and a smile and a polite gesture fill most of the gaps. Writing numbers down avoids confusion when shopping or paying.

Finally, allow extra time and accept that mistakes will happen. Getting on the wrong bus or ordering something unexpected is part of the adventure, and it often leads to the best stories. Staying calm, asking for help and keeping a sense of humour will carry you through almost anything.
""")

_TEXT.append(r"""
@@ travel | Island Hopping on a Shoestring
The Merrow Islands are a scattered chain of small green islands linked by slow ferries, and they are often described as an expensive destination. After two weeks moving between them on a tight budget, I can report that it is entirely possible to see them without spending a fortune, as long as you are willing to travel a little more slowly.

Ferries are the backbone of the trip. The large car ferries between the main islands are cheap for foot passengers, and the smaller local boats that serve the outer islands cost even less. Timetables change with the seasons and the weather, so it pays to check them on arrival rather than trusting an old website. Building a spare day into the plan avoids stress when a crossing is cancelled because of wind.

Accommodation is where budgets usually break. Instead of the resort hotels on the main island, I stayed in family guesthouses and simple rooms above cafés. Many of them are not listed online at all and are found by asking at the harbour. Several islands also have campsites with hot showers and shared kitchens, which are the cheapest option of all in summer.

Food can be surprisingly affordable. Bakeries open early and sell filling pastries, and every harbour seems to have a stall selling fried fish wrapped in paper. Buying fruit, bread and cheese from small shops and eating on the beach saves money and offers better views than most restaurants. On the quieter islands, a single family-run tavern often serves whatever was caught that morning at a fixed price.

The best experiences cost almost nothing. Walking trails cross most of the islands, leading to lighthouses, abandoned chapels and empty coves. Swimming is free, and the water is clear enough to see fish from the surface. Evenings on the harbour wall, watching the last ferry come in, were as memorable as anything I could have paid for.

@@ technology | What a Password Manager Actually Protects You From
Security experts recommend password managers so often that the advice can sound like a slogan. It helps to understand what these tools actually do, what they protect against and what they cannot fix, so that you can decide whether one is right for you.

The main threat they address is password reuse. When a website is breached, attackers often obtain lists of email addresses and passwords. They then try those same combinations on banks, email providers and shopping sites, knowing that many people use one password everywhere. This technique, often called credential stuffing, is cheap and highly effective. A password manager makes it practical to use a different, long, random password for every account, so a leak at one site does not unlock the others.

Password managers also help against phishing in a quieter way. A good manager fills in a password only when the web address matches the one it was saved for. If you land on a convincing fake login page with a slightly different address, the manager will not offer to fill anything in. That hesitation can be the clue that saves you from typing your password into the wrong place.

The vault itself is protected by a master password, which is the one password you must remember. The contents are encrypted on your device before being stored or synchronised, so the company running the service should not be able to read them. This makes the master password critical: it should be long, unique and never used anywhere else. Adding two-factor authentication to the password manager account provides another layer of protection.

No tool solves everything. A password manager cannot protect you if your device is already infected with malware that records keystrokes, and it cannot stop you from approving a fraudulent request in a moment of distraction. Keeping your system updated, using two-factor authentication on important accounts and taking a moment to think before clicking remain just as important as ever.

@@ technology | How Solid-State Drives Store Your Files
Not long ago most computers stored data on spinning magnetic platters read by a tiny moving arm. Today most laptops and many desktops use solid-state drives, which have no moving parts at all. They are faster, quieter and more resistant to knocks, and the way they work is quite different from the disks they replaced.

An SSD stores data in flash memory cells. Each cell is a tiny transistor with an extra, electrically isolated layer that can trap electrons. Trapping or releasing charge changes how the transistor behaves, and that difference represents data. Early flash stored one bit per cell, but modern drives store three or even four bits per cell by distinguishing between many finely separated charge levels. This increases capacity and lowers cost, at the price of slightly lower speed and endurance.

Flash memory has an unusual rule: data can be written in small units called pages, but it can only be erased in much larger units called blocks. A drive cannot simply overwrite old data in place. Instead, a controller chip writes new data to fresh pages and marks the old ones as stale. Later, in a process called garbage collection, it copies the still-valid pages out of a block and erases the whole block so it can be reused.

Each cell can only survive a limited number of erase cycles before it wears out. To spread the wear evenly, the controller constantly moves data around so that no single block is erased far more often than the others. Drives also reserve extra capacity that the user never sees, which gives the controller room to work and replaces cells that fail. For ordinary home use, a modern drive will usually outlast the computer it is installed in.

The controller also explains why SSD speeds vary so much between models. Fast drives use more parallel channels, smarter firmware and sometimes a small amount of very fast cache. Whatever the model, backing up important files remains essential, because when an SSD fails it can fail suddenly and without the warning noises an old hard drive might make.

@@ technology | Why Your Phone Battery Gets Worse Over Time
A new phone can easily last a full day on a single charge. Two or three years later, the same phone may struggle to reach the evening. This decline is not a conspiracy or a software trick; it is chemistry. Understanding it helps explain which habits slow the ageing down.

Phones use lithium-ion batteries. During charging, lithium ions move from the positive electrode to the negative one and settle into layers of graphite. During use, they travel back. Each trip causes tiny amounts of unwanted side reactions. A thin film slowly builds up on the electrodes, consuming some of the lithium and making it harder for ions to move. Over hundreds of cycles, the battery holds less charge and delivers power less easily.

Heat speeds up these reactions dramatically. Leaving a phone in a hot car, using it heavily while it charges, or gaming for hours while it sits on a warm surface all accelerate ageing. Very high and very low states of charge also add stress. A battery kept at one hundred percent for long periods, especially when warm, ages faster than one kept somewhere in the middle. Letting a battery regularly run down to zero is hard on it as well.

Manufacturers have responded with software features. Many phones now learn your daily routine and hold the charge at around eighty percent overnight, finishing the charge just before you usually wake up. Some offer an option to cap charging below full permanently. Fast charging is generally managed carefully by the phone and is less harmful than often claimed, although it does produce more heat.

When a battery has worn down, replacing it is often far cheaper than replacing the phone, and it can make an old device feel new again. Battery health readings in the phone's settings give a rough guide to its condition. Keeping the phone cool, avoiding constant full charges and replacing the battery when needed can add years of useful life.

@@ technology | Public-Key Cryptography in Plain Language
Every time you see a padlock in your browser's address bar, a clever piece of mathematics is working in the background. Public-key cryptography lets two strangers communicate securely over a network that anyone could be listening to, without ever meeting to agree on a secret in advance. The idea sounds impossible at first, which is part of its charm.

Traditional encryption uses a single shared key. The same key locks and unlocks the message, so both sides must have it and keep it secret. That works well between people who can meet, but it breaks down on the internet, where you might connect to a shop you have never heard of. Sending the key across the network would let an eavesdropper copy it.

Public-key systems use a pair of keys instead. One key is public and can be shared with anyone; the other is private and never leaves its owner. A message locked with the public key can only be unlocked with the matching private key. A useful analogy is an open padlock: anyone can snap it shut on a box, but only the person with the key can open it again. The security rests on mathematical problems that are easy to perform in one direction and extremely hard to reverse, such as multiplying large prime numbers compared with factoring their product.

The same key pair allows digital signatures. If the owner uses the private key to sign a document, anyone can check the signature with the public key. A valid signature shows that the document came from the key's owner and has not been altered. Websites use certificates signed by trusted authorities to prove that a public key really belongs to the site you intended to visit.

In practice, public-key methods are slow, so they are mainly used to agree on a fresh shared key at the start of a connection. The rest of the conversation uses fast traditional encryption. This combination protects online banking, messaging and software updates every day, mostly without anyone noticing.

@@ technology | How GPS Works Out Where You Are
When a phone's map shows a blue dot that follows you down the street, it is quietly solving a geometry problem using signals from satellites orbiting twenty thousand kilometres overhead. The Global Positioning System, and similar systems run by other countries, rely on one surprising ingredient above all others: extremely precise time.

Each navigation satellite carries atomic clocks and continuously broadcasts a signal that says, in effect, this is satellite number such-and-such, this is exactly where I am, and this is exactly what time it is. A receiver on the ground picks up these signals and notes when they arrive. Because radio waves travel at the speed of light, the tiny delay between sending and receiving tells the receiver how far away each satellite is.

Knowing your distance from one satellite places you somewhere on a huge imaginary sphere around it. A second satellite narrows that to a circle where two spheres intersect, and a third narrows it further to a couple of points, one of which is usually far out in space and can be ignored. In practice a fourth satellite is needed, because the receiver's own clock is not nearly as accurate as the atomic clocks in orbit. The extra measurement lets the receiver solve for its clock error along with its position.

Timing errors matter enormously. Light travels about thirty centimetres in a billionth of a second, so tiny timing mistakes translate into large position errors. The system even has to correct for effects predicted by relativity, because clocks on fast-moving satellites in weaker gravity tick at a slightly different rate from clocks on the ground. Without these corrections, positions would drift by kilometres each day.

Phones improve accuracy further by combining signals from several satellite systems and by using nearby wireless networks and motion sensors. Tall buildings can reflect signals and confuse the receiver, which is why the blue dot sometimes jumps around in city centres. Even so, the ability to find your position almost anywhere on Earth within a few metres is a remarkable everyday achievement.

@@ technology | The Case for Boring Software
Technology news is full of launches, rewrites and shiny new frameworks. Inside most organisations, however, the software that matters most is old, unglamorous and expected to work every single day. There is a growing argument among engineers that choosing boring, well-understood tools is often the smartest decision a team can make.

New technology carries hidden costs. A young framework may have bugs nobody has discovered yet, sparse documentation and a small community to ask for help. Its design may change between versions, forcing repeated rewrites. Experienced engineers sometimes describe each team as having a limited budget for novelty: spend it on the parts of the system that truly benefit, and use established tools everywhere else.

Mature tools have a different profile. Their failure modes are known and documented, and many of the problems you will encounter have already been solved and written about. Hiring is easier, because more people know how to use them. Security updates arrive reliably. None of this makes for exciting conference talks, but it does make for systems that keep running at three in the morning.

Maintenance deserves more respect than it usually gets. Keeping dependencies up to date, improving tests, clarifying documentation and removing dead code rarely win awards, yet they determine whether software remains safe and adaptable over years. Teams that set aside regular time for this work usually spend less time fighting emergencies. Those that postpone it accumulate what engineers call technical debt, which eventually has to be repaid with interest.

None of this means never trying anything new. New tools sometimes solve real problems far better than old ones, and today's boring technology was once exciting itself. The point is to adopt novelty deliberately, for a clear reason, rather than by habit or fashion. Software that quietly does its job for a decade is not a failure of imagination. It is often the best outcome a team can hope for.

@@ nature | How Migrating Birds Find Their Way
Every autumn, billions of birds leave their breeding grounds and fly hundreds or thousands of kilometres to warmer regions, many of them travelling at night and alone. Some young birds make the journey for the first time without any adult to follow, yet arrive at the right wintering area. How they manage this has fascinated naturalists for centuries.

Part of the answer is inherited. Experiments with young songbirds raised in captivity show that they become restless during the migration season and try to move in a particular direction, even if they have never seen the route. The direction and approximate length of the first journey appear to be encoded in their genes. Birds from different populations of the same species may carry different instructions, matching the routes their ancestors used.

To follow those instructions, birds use several compasses. During the day, many can use the position of the sun, correcting for its movement across the sky with an internal clock. At night, songbirds learn the pattern of stars around the celestial pole when they are young and use it to find north. Birds can also sense the Earth's magnetic field, although exactly how they do so is still being studied. One leading idea involves light-sensitive molecules in the eye that respond to magnetic direction.

Experience adds a map to the compass. Adult birds that have made the journey before can correct their course if they are blown off track, something young birds often fail to do. Landmarks such as coastlines, mountain ranges and rivers help them navigate, and some species may also use smell or low-frequency sounds from distant surf and wind.

Migration is dangerous. Storms, exhaustion, predators and collisions with lit buildings kill many travellers. Conservation efforts increasingly focus on protecting stopover sites, the wetlands and woodlands where birds rest and refuel, and on turning off unnecessary lights during peak migration nights. Keeping these routes open is essential if the great seasonal journeys are to continue.

@@ nature | The Secret Life of Urban Foxes
Many city dwellers have had the experience of walking home late at night and seeing a slim, red-brown shape trot calmly across the road ahead. Red foxes have made themselves at home in many towns and cities, and studies of their behaviour reveal a clever, adaptable animal that fits into human spaces more easily than we might expect.

Foxes are opportunists. In the countryside they hunt rabbits, voles and birds and eat fruit and insects. In cities they still catch rodents and pigeons, but they also take advantage of food left out for pets, fallen fruit in gardens and scraps from bins. Research using tracking collars has shown that urban foxes often have small territories compared with rural ones, because food is concentrated and easy to find.

They are also masters of timing. Most urban foxes are active at dusk and during the night, when traffic is lighter and people are indoors. During the day they rest in quiet spots such as overgrown gardens, railway embankments, under garden sheds and in the corners of parks. Their eerie screams on winter nights, which sometimes alarm residents, are part of the breeding season, when foxes call to mark territory and find mates.

Cubs are born in spring in underground dens, and by early summer they can be seen playing outside, tumbling over each other and chewing whatever they find, including garden shoes and hoses. The whole family may use several dens over the season. By autumn, young foxes disperse to find their own territories, a risky time when many are killed on roads.

Living alongside foxes usually requires only small adjustments. Securing bins, not leaving pet food outside and blocking gaps under sheds prevents most conflicts. Feeding foxes deliberately is discouraged, because it can make them bold and dependent. Watched from a respectful distance, however, they offer a reminder that wild animals can thrive even in the middle of a busy city.

@@ nature | Why Leaves Change Colour in Autumn
In temperate forests, the arrival of autumn brings a spectacular transformation as green canopies turn yellow, orange, red and purple. It looks like the trees are putting on new colours, but much of what we see was hidden in the leaves all summer. The display is really the visible side of a careful process of saving resources before winter.

During the growing season, leaves are packed with chlorophyll, the green pigment that captures sunlight for photosynthesis. Chlorophyll breaks down constantly and is continually replaced, so leaves stay green. As days shorten and nights grow cooler, deciduous trees begin to prepare for winter. They stop making new chlorophyll and break down the existing supply, recovering valuable nitrogen and other nutrients to store in their branches and roots.

As the green fades, other pigments are revealed. Carotenoids, the same family of compounds that colour carrots and egg yolks, are present in leaves all year, where they help capture light and protect the leaf from damage. Once chlorophyll disappears, their yellows and oranges shine through. This is why trees such as birch and some maples turn reliably yellow every year.

Reds and purples have a different origin. They come from anthocyanins, pigments that many trees actively produce in autumn from sugars trapped in the leaf. Sunny days and cool, but not freezing, nights encourage their production, which is why some autumns are far more colourful than others. Scientists are still debating why trees invest energy in making new pigments just before dropping their leaves. One idea is that they act as a sunscreen, protecting the leaf while nutrients are being withdrawn.

Finally, a layer of cells forms at the base of each leaf stalk, sealing it off from the branch. The leaf dries, loosens and falls. On the forest floor, it becomes food for fungi, insects and soil organisms, returning nutrients that the tree will eventually draw up again in spring.

@@ nature | Coral Reefs Under Pressure
Coral reefs cover only a tiny fraction of the ocean floor, yet they host a remarkable share of marine species. They protect coastlines from waves, support fisheries that feed millions of people and attract visitors from around the world. They are also among the ecosystems most threatened by rapid environmental change.

A reef is built by tiny animals called coral polyps, relatives of jellyfish and sea anemones. Each polyp builds a cup of limestone around itself, and over thousands of years these skeletons accumulate into massive structures. Reef-building corals live in partnership with microscopic algae that inhabit their tissues. The algae photosynthesise and share sugars with the coral, while the coral provides shelter and nutrients. This partnership is what allows reefs to thrive in clear, nutrient-poor tropical waters.

The partnership is sensitive to temperature. When water stays unusually warm for weeks, corals expel their algae, losing both their main food source and their colour. This is known as bleaching. A bleached coral is not dead, and if temperatures return to normal quickly, the algae can recolonise it. If the heat lasts too long, however, the coral starves, and large areas of reef can die in a single season.

Other pressures add to the strain. As the ocean absorbs carbon dioxide from the atmosphere, it becomes slightly more acidic, making it harder for corals to build their skeletons. Pollution and sediment from land cloud the water and feed algae that smother reefs. Overfishing removes the grazing fish that keep seaweed in check, and destructive fishing methods break the reef structure itself.

There are reasons for hope as well as concern. Reefs protected from local pressures tend to recover better from bleaching. Scientists are studying heat-tolerant corals and methods of growing fragments in nurseries for replanting. Still, most researchers agree that the long-term future of reefs depends on limiting further warming, alongside better local management of the waters around them.

@@ nature | Wetlands: The Sponges of the Landscape
For much of history, wetlands were seen as wasteland: damp, mosquito-ridden ground that was better drained and turned into farmland or building plots. Huge areas disappeared as a result. Today, scientists and planners increasingly recognise that marshes, swamps, bogs and floodplains provide services that are expensive or impossible to replace.

One of their most important roles is controlling water. Wetlands act like sponges, soaking up rainfall and river overflow during storms and releasing it slowly afterward. This reduces the height of flood peaks downstream and keeps streams flowing during dry spells. Towns built on drained floodplains often discover the value of wetlands only after repeated flooding, and some have begun restoring them deliberately.

Wetlands also clean water. As water moves slowly through dense vegetation, sediment settles out, and plants and microbes remove excess nutrients such as nitrogen and phosphorus. Some pollutants are broken down or trapped in the soil. For this reason, constructed wetlands are now used in some places to treat runoff from farms and roads before it reaches rivers and lakes.

They are rich in life. Wetlands provide breeding grounds for fish, amphibians and insects and feeding and resting places for migratory birds. Many species depend on them at some stage of their lives. Coastal wetlands such as salt marshes and mangroves also shelter young fish and buffer coastlines against storm surges, reducing damage to communities behind them.

Perhaps less obviously, many wetlands store enormous amounts of carbon. In waterlogged peat soils, dead plant material decomposes very slowly and accumulates over thousands of years. When these peatlands are drained, the peat dries out and releases its carbon into the atmosphere. Protecting and rewetting them is therefore considered one of the more effective ways of reducing emissions. Restoration is often as simple as blocking old drainage ditches and letting the water return, although the full recovery of plants and wildlife can take many years. The humble marsh, it turns out, is anything but wasteland.

@@ nature | Bees Beyond the Honeybee
When people talk about saving the bees, they usually picture the honeybee, with its hives, honey and beekeepers. Yet honeybees are just one species among many thousands of bees worldwide. Most of the others live quietly, without hives or keepers, and many of them are important pollinators in their own right.

The majority of bee species are solitary. Each female builds her own small nest, often a tunnel in bare soil or a hollow stem, and provisions each cell with a ball of pollen and nectar before laying an egg on it. She never meets her offspring, which emerge the following year. Mining bees, mason bees and leafcutter bees all follow this pattern, and they vary widely in size, colour and the flowers they prefer.

Bumblebees are social, like honeybees, but their colonies are small and usually last only a single season. Only young queens survive the winter, hibernating underground before starting a new nest in spring. Bumblebees can fly in cooler weather than many insects, and they are able to vibrate flowers at a particular frequency to shake loose pollen. Crops such as tomatoes and blueberries benefit greatly from this buzz pollination.

Many wild bees are in decline. Loss of flower-rich habitat, pesticide use, disease and changing climate all play a role. Because different bees visit different plants and fly at different times of year, a diverse community of bees provides more reliable pollination than any single species. Studies on farms have found that wild bees can improve crop yields even where honeybees are present.

Helping them is easy on a small scale. Planting a variety of flowers that bloom from early spring to late autumn provides food through the season. Leaving patches of bare ground, dead stems and undisturbed corners gives solitary bees places to nest. Reducing pesticide use in gardens helps too. A small garden full of flowers can support a surprising variety of bees.

@@ health | What Sleep Does for the Brain
Sleep can look like a period of inactivity, a pause between the important parts of the day. Research over recent decades has overturned that view. During sleep the brain is busy with tasks that seem to be essential for memory, mood and long-term health.

One of the best-established roles of sleep is consolidating memory. During deep sleep, patterns of activity associated with recent experiences are replayed, and information appears to be transferred from short-term storage into more stable long-term networks. Studies in which people learn a task and then either sleep or stay awake consistently show better recall after sleep. Dreaming sleep, with its rapid eye movements, may help integrate emotional memories and connect new information with old.

Sleep also seems to help the brain clean house. Animal research suggests that the spaces between brain cells widen during sleep, allowing fluid to wash through and carry away waste products that build up during waking hours. Scientists are still working out how important this process is in humans, but it offers one possible link between chronic poor sleep and later health problems.

The effects of missing sleep are easy to see. After a single short night, attention, reaction time and judgement all suffer, and people tend to underestimate how impaired they are. Mood becomes more fragile and irritability increases. Over the longer term, consistently short sleep is associated with higher risks of weight gain, high blood pressure and other conditions, though the relationships are complex.

Most adults need around seven to nine hours a night, although individual needs vary. Keeping a regular schedule, even at weekends, is one of the most effective ways to improve sleep. A cool, dark and quiet bedroom helps, as does limiting caffeine in the afternoon and avoiding bright screens just before bed. If sleep problems persist despite good habits, it is worth talking to a doctor, since treatable conditions are common.

@@ health | Walking as Everyday Medicine
Walking is so ordinary that it is easy to overlook as exercise. It requires no special equipment, no membership and very little skill, and most people can start today. Yet a growing body of research suggests that regular brisk walking brings benefits that rival those of more strenuous activities.

The heart and lungs are among the first to benefit. A brisk walk raises the heart rate and breathing enough to count as moderate exercise. Over weeks and months, this strengthens the heart, improves circulation and can help lower blood pressure. Regular walkers also tend to have better control of blood sugar, which is particularly important for people at risk of diabetes. Even a short walk after a meal can help blunt the rise in blood sugar that follows eating.

Walking supports bones, joints and muscles too. As a weight-bearing activity, it helps maintain bone density, and the gentle repetitive motion keeps joints mobile and nourishes cartilage. For many people with stiff knees or hips, walking is more comfortable than expected once they build up gradually. Strong leg muscles and good balance also reduce the risk of falls in later life.

The mental benefits are just as notable. Many people find that walking clears their head and improves their mood, and studies link regular walking to lower levels of anxiety and depression. Walking outdoors in green spaces seems to add to the effect. Some people do their best thinking on foot, and walking meetings have become popular in some workplaces for this reason.

Health guidelines commonly recommend around one hundred and fifty minutes of moderate activity each week, which works out to roughly thirty minutes on most days. It does not need to happen all at once; several ten-minute walks count as well. Taking the stairs, walking to the shops or getting off the bus a stop early all add up. The best walking routine is simply one you will keep doing.

@@ health | Hydration Myths and What the Evidence Says
Few pieces of health advice are repeated as often as the instruction to drink eight glasses of water a day. Water bottles have become fashion accessories, and many people feel guilty if they have not emptied theirs by lunchtime. The science of hydration, however, is more relaxed than the marketing suggests.

The body is very good at managing its water balance. When fluid levels drop even slightly, the brain detects the change in the concentration of the blood and triggers thirst. At the same time, hormones signal the kidneys to conserve water, producing smaller amounts of darker urine. For most healthy adults in ordinary conditions, drinking when thirsty is enough to stay well hydrated.

The idea that every glass must be plain water is also a myth. Tea, coffee, milk and juice all contribute to daily fluid intake. Caffeine has a mild diuretic effect, but regular coffee and tea drinkers adapt, and their drinks still provide a net gain of water. Food supplies a significant share too; fruits, vegetables, soups and even bread contain water, and in some diets food provides a fifth or more of the total.

That does not mean hydration never matters. Needs rise sharply in hot weather, during intense or long exercise, with fever or diarrhoea, and during pregnancy and breastfeeding. Older adults may have a weaker sense of thirst and can become dehydrated without noticing. In these situations, drinking regularly rather than waiting for thirst is sensible, and oral rehydration solutions can help replace lost salts.

It is even possible to drink too much. Rarely, people who drink very large amounts of water in a short time, such as endurance athletes who overcompensate, dilute the sodium in their blood to dangerous levels. For everyday life, a practical guide is to drink with meals, keep water available, respond to thirst and pay attention to the colour of your urine. Pale yellow usually means you are doing fine.

@@ health | Hand Washing: A Small Habit With a Big Effect
Washing hands with soap is one of the simplest and cheapest ways to prevent illness, and one of the easiest to do badly. Many people give their hands a quick rinse and consider the job done. A few extra seconds and a little technique make a real difference.

Hands pick up germs from everything we touch: door handles, phones, money, keyboards and other people. From there, germs can enter the body when we touch our eyes, nose or mouth, which most people do many times an hour without noticing. Hands also transfer germs to food during preparation. Breaking this chain at the hands interrupts the spread of many common infections, particularly stomach bugs and respiratory viruses.

Soap works in an elegant way. Its molecules have one end that is attracted to water and another that is attracted to fats and oils. Many viruses are wrapped in a fatty outer layer, and soap molecules pry into it and break it apart. Soap also lifts dirt and oils off the skin so that water can rinse them and the germs they carry away. Scrubbing provides the friction that helps this process along.

Good technique takes about twenty seconds, roughly the time it takes to hum a short song twice. Wet your hands, apply soap and rub the palms together, then the backs of the hands, between the fingers, around the thumbs and under the nails. Rinse thoroughly under running water and dry your hands with a clean towel, since damp hands spread germs more easily.

The moments that matter most are before preparing or eating food, after using the toilet, after changing a nappy, after blowing your nose or coughing, and after caring for someone who is ill. When soap and water are not available, an alcohol-based sanitiser is a useful substitute, though it works less well on visibly dirty hands. The habit costs almost nothing and protects both you and the people around you.

@@ health | How Vaccines Teach the Immune System
The immune system is remarkably good at learning. After it has fought off a particular infection once, it often remembers the invader and responds much faster the next time. Vaccines take advantage of this ability by giving the immune system a safe lesson before the real threat arrives.

When a new germ enters the body for the first time, the immune response takes days to build. Specialised cells must recognise distinctive features of the invader, known as antigens, and then multiply. Some produce antibodies that latch onto the germ and mark it for destruction, while others kill infected cells directly. During this delay, the germ can multiply and cause illness. Afterward, a population of memory cells remains, ready to react quickly if the same germ returns.

A vaccine presents the immune system with antigens without causing the disease. Different vaccines do this in different ways. Some contain weakened or inactivated versions of the germ. Others contain only selected pieces, such as a surface protein. Newer types deliver genetic instructions that tell the body's own cells to make a harmless piece of the germ for a short time. In every case, the immune system responds and forms memory cells.

Some vaccines need several doses to build strong, lasting memory, and some need boosters years later because protection fades or because the germ itself changes. Influenza viruses, for example, evolve so quickly that the vaccine is updated regularly. Mild side effects such as a sore arm, tiredness or a slight fever are common and are signs that the immune system is responding.

Vaccines also protect people who cannot be vaccinated themselves, such as very young babies or people with certain medical conditions. When enough people in a community are immune, a germ has difficulty finding new hosts and outbreaks die out. This shared protection is one reason vaccination programmes have been so successful at reducing diseases that were once common and often deadly.

@@ health | Sitting, Standing and the Aching Back
Back pain is one of the most common reasons people visit a doctor or miss work. Many people blame their office chair or their posture, and a whole industry sells standing desks, special cushions and posture correctors. The evidence suggests that the story is more nuanced, and that movement matters more than any single perfect position.

For years, people were taught that there is one correct way to sit, with a perfectly straight back, and that slouching causes damage. Research has not strongly supported this. People with a wide variety of postures can be free of pain, and people with textbook posture can still have back problems. What seems to matter more is staying in any one position for a long time. Muscles and joints prefer variety, and stiffness builds when they are held still.

Standing desks became popular as a reaction to long hours of sitting. Standing for part of the day can be helpful, but standing all day brings its own problems, including tired legs and sore feet. The most useful approach is to alternate, changing position every half hour or so. Short breaks to walk, stretch or climb a flight of stairs help as well, and they may benefit concentration too.

A sensible workstation still helps. A screen at roughly eye level avoids constant craning of the neck, a chair that supports the lower back reduces fatigue, and keeping the keyboard close prevents reaching. Laptops used for long periods are easier on the body with a separate keyboard and a stand. These adjustments are less about finding the one perfect posture and more about making comfortable positions easy.

Most episodes of back pain improve within a few weeks. Staying gently active, rather than resting in bed, usually speeds recovery. Regular exercise that strengthens the core and keeps the hips mobile reduces the chance of recurrence. Pain that is severe, spreads down the leg, or comes with numbness or other worrying symptoms should be checked by a health professional.

@@ economics | What Inflation Means for Your Grocery Bill
Most people do not need an economist to tell them when prices are rising. They notice it at the checkout, when the same basket of groceries costs noticeably more than it did a year ago. Inflation is the general rise in prices across an economy, and understanding how it is measured and what drives it can make the headlines easier to follow.

Statistics offices measure inflation by tracking the prices of a large basket of goods and services that represents typical household spending. The basket includes food, rent, energy, transport, clothing and many other items, each weighted by how much households spend on it. The headline inflation rate is the percentage change in the cost of this basket over twelve months. Because everyone's spending is different, your personal inflation rate may be higher or lower than the official figure.

Food prices can move faster than the overall index. Harvests depend on the weather, and droughts or floods in major growing regions can push up the price of grain, vegetables and cooking oil around the world. Energy costs feed into food prices too, since fuel is needed for farm machinery, fertiliser production, transport and refrigeration. Changes in exchange rates affect the cost of imported food, and higher wages for farm and supermarket workers eventually show up in prices as well.

Moderate, stable inflation is generally considered healthy, and many central banks aim for around two percent a year. Problems arise when inflation is high or unpredictable. Savings lose value, people on fixed incomes struggle, and businesses find it hard to plan. Central banks respond mainly by raising interest rates, which cools borrowing and spending and gradually eases pressure on prices.

Households have a few ways to soften the impact. Comparing unit prices, buying seasonal produce, switching to store brands and planning meals to reduce waste can all help. Over the longer term, wages tend to catch up with prices, but the catching up can take time, and that gap is what makes periods of high inflation feel so painful.

@@ economics | Why Interest Rates Move House Prices
When a central bank changes its main interest rate, the news is often followed quickly by stories about the housing market. The connection is not a coincidence. Because most people buy homes with borrowed money, the cost of borrowing has a direct effect on how much buyers can pay and, eventually, on prices.

Consider a household that can afford a fixed monthly mortgage payment. When interest rates are low, that payment supports a large loan, because only a small part of each payment goes to interest. When rates rise, the same monthly payment supports a noticeably smaller loan. Buyers can therefore offer less for the same property, and some are priced out of the market altogether. Sellers, in turn, may have to accept lower prices or wait longer to sell.

Lower rates have the opposite effect. Cheap borrowing increases the amount buyers can offer, and competition for homes can push prices up quickly. Investors may also find property more attractive when returns on savings accounts and bonds are low. This is one reason periods of very low interest rates have often been accompanied by rapid rises in house prices.

The effect is not instant or uniform. Many homeowners have fixed-rate mortgages and feel changes only when their fixed period ends. Housing supply matters enormously as well: where few new homes are built, prices can stay high even when borrowing becomes more expensive. Population growth, incomes, lending rules and tax policy all play their part. Regional markets can move in different directions at the same time.

For buyers, the lesson is to consider not just today's rate but how payments might change over the life of a loan. Lenders often test whether borrowers could still afford their payments if rates rose by several points. For the wider economy, the link between interest rates and housing is one of the main channels through which monetary policy influences spending, confidence and growth.

@@ economics | The Economics of a Neighbourhood Bakery
The smell of fresh bread drifting onto a street at seven in the morning suggests a simple business: flour, water, an oven and a queue of customers. Behind the counter, running a small bakery involves a constant balancing act between costs, prices and waste that illustrates many basic ideas in economics.

Ingredients are only part of the picture. For a typical loaf, flour, yeast, salt and water may account for a surprisingly small share of the selling price. Labour is usually the largest cost, because bread is made by skilled people working early hours. Rent for a shop on a busy street is another major expense, followed by energy for ovens that run for hours each day. Equipment, insurance, packaging and repairs add more.

Pricing has to cover all of these while remaining acceptable to local customers. A bakery cannot easily charge much more than the supermarket down the road unless its bread is clearly better or more convenient. Many small bakeries therefore rely on higher-margin items such as pastries, cakes, sandwiches and coffee to support the cheaper loaves that bring people through the door.

Waste is a daily headache. Bread is at its best on the day it is baked, so unsold loaves lose most of their value overnight. Bake too little and customers leave disappointed; bake too much and profit ends up in the bin. Experienced bakers learn the patterns of their street, such as busier Saturdays, quieter rainy days and holiday rushes. Day-old bread may be sold at a discount, turned into breadcrumbs or croutons, or donated to local charities.

Despite the challenges, neighbourhood bakeries survive because they offer something beyond the product itself: freshness, personal service and a place in the rhythm of the community. Customers are often willing to pay a little more for that. It is a reminder that markets are made of relationships and habits, not only prices.

@@ economics | Comparative Advantage Explained With Two Farmers
One of the most important ideas in economics is also one of the least intuitive. It explains why trade can benefit both sides even when one side is better at producing everything. The idea is called comparative advantage, and it is easiest to understand with a simple story about two farmers.

Imagine two neighbours, Ana and Ben, who each grow potatoes and raise chickens. Ana is more skilled at both tasks. In a day she can dig a large sack of potatoes or collect a big basket of eggs, while Ben can manage only a smaller amount of either. At first glance it seems Ana has nothing to gain from trading with Ben, since she is better at everything.

The key is to look at what each person gives up. Suppose Ana is much better than Ben at raising chickens but only slightly better at growing potatoes. Every hour Ana spends digging potatoes costs her a lot of eggs she could have produced instead. For Ben, an hour of digging costs only a few eggs, because he is not very good with chickens either. Economists say Ben has a comparative advantage in potatoes, because his opportunity cost of producing them is lower, while Ana has a comparative advantage in eggs.

If each specialises in their comparative advantage and they trade, the total amount of food increases. Ana concentrates on chickens, Ben on potatoes, and they swap part of their output at a price between their respective opportunity costs. Both end up with more potatoes and eggs than they could produce alone. Neither has to be the best at anything for the arrangement to work.

Real economies are far more complicated. Specialisation can leave workers and regions vulnerable when conditions change, and the gains from trade are not always shared fairly. Transport costs, politics and security concerns also matter. Still, the basic insight explains a great deal about why countries, companies and individuals specialise and trade rather than trying to make everything themselves.

@@ economics | How Supply Chains Bend and Break
A simple product on a shop shelf may contain materials and parts from many countries. A cotton shirt might use fibre grown in one place, spun and woven in another, dyed and sewn in a third and shipped through several ports before reaching a store. These supply chains usually work so smoothly that consumers never think about them, until something goes wrong.

For decades, many companies organised their supply chains around efficiency. They kept inventories low, relying on parts arriving just in time for production. This reduced the money tied up in warehouses and stock. They also concentrated production in a few large, low-cost suppliers. The approach cut costs, but it left little slack in the system if one link failed.

Disruptions can come from many directions. A fire at a single factory that makes a specialised component can halt production lines around the world. Storms, floods and earthquakes close ports and roads. Sudden jumps in demand, such as a rush to buy certain goods, can empty shelves faster than factories can respond. Blockages in key shipping routes delay thousands of containers at once, and the delays ripple outward for months.

Small disturbances can also grow as they move along the chain. When retailers see demand rise, they order a little extra to be safe. Wholesalers see these larger orders and order more still, and factories respond to inflated signals. The result can be wild swings in orders and stock levels far larger than the original change in consumer demand, followed by gluts when the extra goods finally arrive.

In response, many businesses are rethinking the balance between efficiency and resilience. Some are holding larger safety stocks, qualifying additional suppliers, or moving some production closer to their customers. These steps raise costs, and consumers may eventually pay a little more. The trade-off is a supply chain that bends under pressure rather than breaking.

@@ economics | Why Small Savings Add Up
Saving money often feels pointless when the amounts are small. Putting aside the price of a coffee or a sandwich each week seems trivial next to rent, bills and the cost of a holiday. Yet the arithmetic of regular saving, combined with a few insights from behavioural economics, suggests that small amounts can grow into something meaningful.

The first reason is simple accumulation. Setting aside a modest sum every week adds up to a substantial amount over a year, and more over several years. Having even a small emergency fund can prevent an unexpected car repair or medical bill from turning into expensive debt. For many households, avoiding high-interest borrowing is worth more than any return on investments.

The second reason is compound interest. When savings earn interest and that interest is left in the account, future interest is earned on the larger balance. Over short periods the effect is small, but over decades it becomes powerful. Money saved early has more time to grow, which is why financial advisers encourage young people to start, even with tiny amounts. The returns are never guaranteed, and inflation eats into them, but time remains a saver's best ally.

Behavioural research explains why saving is hard and how to make it easier. People tend to value immediate rewards much more than future ones, so spending today usually wins against saving for later. One effective strategy is automation: setting up a transfer to a savings account on payday, so that the money moves before there is a chance to spend it. Another is giving savings a clear purpose, such as a named account for a trip or a deposit.

Small savings are not a solution to low income or high living costs, and they cannot replace fair wages or good public services. But they can provide a cushion, reduce stress and build habits that become more valuable as income grows. Starting small is better than waiting to start big.

@@ local | Millbrook Council Approves New Footbridge Over the River Wend
Millbrook town council has approved plans for a new pedestrian and cycle bridge across the River Wend, ending years of debate about how to connect the growing Eastfield estate with the town centre. The decision was made at a packed meeting on Tuesday evening, where councillors voted nine to three in favour after more than two hours of discussion.

At present, residents of Eastfield who want to walk into town must either use the narrow pavement on the Old Mill road bridge, which carries heavy traffic, or take a detour of nearly two kilometres via the railway crossing. Parents at the meeting described pushing buggies along a pavement barely wider than the buggy itself, with lorries passing inches away. Several older residents said they had stopped walking into town altogether.

The new bridge will be a steel structure with a wooden deck, about four metres wide, shared by pedestrians and cyclists. It will land near the library car park on the town side and connect to an existing footpath on the Eastfield side. Lighting will be designed to reduce disturbance to bats that roost along the riverbank, following advice from the county's ecology officers. Construction is expected to begin next spring and take around ten months.

The project is funded mainly by a regional transport grant, with the remainder coming from contributions paid by developers of the Eastfield estate. Councillors who voted against the plan said they supported the idea of a bridge but had concerns about the long-term maintenance costs, which will fall on the town. Others questioned whether the chosen location was the best one, suggesting a site closer to the secondary school.

Council leader Miriam Okafor said she understood the concerns but believed the bridge would pay for itself in safer journeys and more trade for town centre shops. Residents will be able to view the final designs at an exhibition in the library next month, and the council has promised regular updates during construction.

@@ local | Library Extends Weekend Hours After Community Petition
Millbrook Library will open on Sunday afternoons for the first time in more than a decade, after a petition signed by over one thousand two hundred residents persuaded the county to reconsider its opening hours. From the first weekend of next month, the library will be open from noon until four o'clock on Sundays, and its Saturday closing time will move from one o'clock to five.

The petition was started by a group of parents and students who said that the old hours made the library almost impossible to use for anyone working or studying during the week. Sixth-form student Leah Marsh, one of the organisers, said many young people in the town lack a quiet place to study at home. The library is warm, it has reliable internet and it is free, she said. For a lot of us, weekends are the only time we can actually get there.

County officials had previously cited staffing costs as the reason for limited weekend hours. The new arrangement combines a small increase in paid staff hours with a volunteer scheme, under which trained volunteers will help with returns, help visitors use the computers and run activities. The library service stressed that volunteers will support, not replace, professional staff.

The extended hours will also allow new activities. A weekend storytime session for young children is planned for Saturday mornings, and a local history group will hold a monthly drop-in on Sunday afternoons to help residents research their family and house histories. The library's meeting room will be available for community groups to book at weekends for the first time.

The change will be reviewed after six months, using visitor numbers and feedback to decide whether the hours become permanent. Library manager David Reyes encouraged residents to make use of the new hours. The best way to keep them, he said, is to come through the door. Volunteers interested in the scheme can sign up at the front desk.

@@ local | Volunteers Plant Two Thousand Trees Along the Old Rail Line
More than one hundred and fifty volunteers spent a cold Saturday planting trees along the disused railway line between Millbrook and Harlow Green, as part of a project to turn the old track bed into a wildlife corridor and walking route. By the end of the day, around two thousand young trees had been planted along a three-kilometre stretch.

The railway closed to passengers in the nineteen-sixties and the rails were removed soon afterward. Since then, the track bed has become overgrown in places and used informally by walkers and dog owners. A local trust bought the land from the county two years ago with the aim of opening it as a permanent public path and improving it for wildlife.

The trees, supplied free by a national woodland charity, include native species such as oak, hazel, hawthorn, rowan and wild cherry. They were planted in mixed groups along the edges of the path to form a hedgerow-style woodland strip. Ecologists advising the trust say such corridors help animals such as hedgehogs, birds and bats move between larger patches of habitat, which has become increasingly difficult as fields and roads divide the landscape.

Volunteers ranged from primary school children to retired residents who remember travelling on the line. Eighty-one-year-old Peter Collins said he took the train to school along this route as a boy. It is good to see it being used again, he said, even if it will be trees rather than trains. Local businesses donated hot drinks and soup, and the scouts handled tool distribution and safety briefings.

The trust plans further planting next winter and hopes to surface the central path so that it can be used by wheelchairs and pushchairs. Volunteers will return in the spring to check on the young trees and replace any that have not survived. Anyone interested in helping can contact the trust through its volunteer coordinator.

@@ local | Farmers Market Moves to Station Square for the Summer
Millbrook's weekly farmers market is moving from the car park behind the town hall to Station Square for the summer, in a trial that organisers hope will bring more visitors and more life to the town's historic centre. The first market in the new location will take place on Saturday, and it will run there every week until the end of September.

The market began eight years ago with a handful of stalls and has grown to more than thirty traders, selling vegetables, meat, cheese, bread, honey, plants and crafts. Traders have long complained that the car park site is hard to find and offers little shade or shelter. Station Square, recently repaved with new benches and planting, offers more space, better visibility and a steady flow of people arriving by train and bus.

To make room for the stalls, the square will be closed to traffic from six in the morning until three in the afternoon on market days. Deliveries to nearby shops will be allowed early in the morning, and a temporary disabled parking area will be set up on Mill Lane. Some shop owners initially worried about the closure, but the town's business association has backed the trial, pointing to increased trade during last year's Christmas fair in the same location.

Market manager Sophie Lang said traders were excited about the move. We are hoping to create something that feels like a proper town market again, she said. Live music from local musicians is planned for the first Saturday of each month, and a children's activity table will run during the school holidays. Several new traders have already applied to join, including a baker specialising in rye bread and a grower of mushrooms.

The council will survey traders, shoppers and nearby businesses during the summer before deciding whether the market should stay in Station Square permanently. Comments can be left at the market information stall or sent to the council by post.

@@ local | School Robotics Team Heads to the National Finals
A team of eight students from Millbrook Community School will travel to the national youth robotics finals next month, after their robot won first place at the regional competition held at the university last weekend. It is the first time a team from the town has reached the finals since the competition began.

The competition challenges teams to design, build and program a robot that can complete a series of tasks on a shared field. This year's theme was disaster relief, and robots had to navigate a model of a flooded town, pick up supply crates and deliver them to marked locations, while avoiding obstacles and working with a robot from another team. Points were awarded for tasks completed, technical documentation and a presentation to judges.

The Millbrook team, who call themselves the Wend Valley Gearheads, built their robot from a standard kit, adding parts they designed and printed at school. Team captain Amira Haddad said the breakthrough came when they redesigned the gripper to pick up crates from any angle. We broke it about twenty times, she said. Every time it broke, we learned something. Their programmer, fifteen-year-old Tomasz Nowak, spent weeks refining the robot's ability to follow lines on the field automatically.

The team meets twice a week after school under the guidance of physics teacher Graham Ellis, who started the club four years ago with just three members. He said the students had shown remarkable persistence. The club now has more than twenty members and is supported by a local engineering firm, which donated parts and offered mentoring from its staff.

The team now needs to raise money to cover travel and accommodation for the finals, and a crowdfunding page and cake sale are planned. Head teacher Rachel Burns said the whole school was proud of the team. Whatever happens at the finals, she said, they have already shown what our students can do.

@@ local | Flood Defences Tested as Heavy Rain Hits the Valley
Flood defences along the River Wend were put to the test this week after two days of almost continuous heavy rain pushed river levels to their highest point in six years. Emergency crews were on standby in Millbrook overnight on Wednesday, but the new barriers at Mill Street held, and no homes in the town were flooded.

The river peaked at just under four metres on the gauge at Wend Bridge early on Thursday morning, about one and a half metres above its normal level. Fields upstream of the town were underwater, and several rural roads were closed after becoming impassable. A handful of properties in outlying hamlets reported water in gardens and garages, and one farm had to move livestock to higher ground.

The Mill Street defences, completed two years ago after repeated flooding of the lower town, include a reinforced wall along the riverbank, a set of demountable barriers that are erected when floods are forecast and an upgraded pumping station. Council teams and volunteers installed the barriers on Tuesday afternoon after the first flood warnings were issued. Residents who remembered previous floods said they had watched the river rise with anxiety but were relieved to see the defences work.

Environment officials warned that the region remains at risk, with more rain forecast next week and the ground already saturated. They urged residents to sign up for flood warnings, to avoid driving or walking through flood water and to keep an eye on vulnerable neighbours. Sandbags remain available from the council depot for residents in at-risk areas.

Council leader Miriam Okafor thanked the crews and volunteers who worked through the night. The defences did exactly what they were designed to do, she said. But we cannot be complacent, and we will be reviewing how the operation went to see what can be improved. A public meeting on flood preparedness will be held at the town hall later this month.

@@ culture | Learning a Musical Instrument as an Adult
Many adults carry a quiet regret about music: piano lessons abandoned at ten, a guitar that never left its case, or simply a sense that they missed the window to learn. The good news is that the window never really closes. Adult learners have some disadvantages compared with children, but they also have real strengths.

Children are often said to learn faster, and in some respects they do. Their hands and ears adapt readily, and they have more free time and fewer responsibilities. Adults, however, bring focus, the ability to understand theory and the motivation of having chosen to learn. They can read about technique, analyse what is going wrong and organise their practice deliberately. Many teachers say their adult students make rapid progress in the first year for exactly these reasons.

The biggest obstacle is usually time. Practice works best in short, frequent sessions rather than occasional marathons. Fifteen to twenty minutes a day of focused practice produces far more progress than two hours on a Sunday. Keeping the instrument out of its case and within reach removes one small barrier. Setting specific goals for each session, such as mastering four bars of a piece or a single scale, makes the time feel productive.

Adults also struggle with self-consciousness. Sounding bad is an unavoidable part of learning, and grown-ups are often harder on themselves than children are. Choosing music you genuinely love to play helps, as does recording yourself occasionally to notice improvement over months. Group classes, community choirs and amateur ensembles provide encouragement and a reason to keep going, and playing with others is one of the great pleasures of music.

A good teacher, even for occasional lessons, can prevent bad habits that are hard to undo later. Online resources are plentiful, but feedback from someone watching you play is hard to replace. Above all, patience matters. Progress comes in plateaus and sudden jumps, and the joy of playing a simple piece well is available far sooner than most people expect.

@@ culture | How Public Libraries Reinvented Themselves
When search engines and e-books arrived, many commentators predicted the end of the public library. Why visit a building full of books when information was available on every phone? Decades later, libraries are still here, and in many towns they are busier than ever. They survived by recognising that they were never only about books.

Libraries have always provided free access to information, and that mission has expanded naturally to the digital world. Many people still lack reliable internet access or a computer at home, and the library is where they apply for jobs, complete government forms, print documents and video-call relatives. Librarians help people navigate online services, spot misinformation and protect their privacy, skills that have become more important rather than less.

The building itself has become a resource. Libraries offer warm, safe, free public spaces where nobody is expected to buy anything. Students use them for quiet study, freelancers for work, parents for toddler groups and older people for company. Meeting rooms host community groups, language classes and local clubs. In some places, libraries lend tools, musical instruments, cooking equipment and even seeds for gardeners.

Children's services remain at the heart of many libraries. Storytime sessions introduce babies and toddlers to books and language, summer reading challenges keep children reading during the holidays, and homework clubs support students after school. Research consistently links early access to books with better reading skills, and libraries provide that access regardless of family income.

Libraries face real pressures, including budget cuts, reduced hours and branch closures in many areas. Their value is also hard to measure in simple numbers. Yet their continued popularity suggests that a shared public place for learning, reading and meeting remains something communities want. The most successful libraries listen closely to their neighbourhoods and keep adapting, just as they have done for centuries.

@@ culture | The Quiet Craft of Bookbinding
Before a book is read, someone has to hold its pages together. For most of history, that work was done by hand, and although machines now bind most books, the traditional craft of bookbinding is enjoying a quiet revival among hobbyists and artists who value the feel of a book built one step at a time.

At its simplest, a hand-bound book starts with folded sheets of paper called signatures. Several sheets are folded in half together and nested, and each signature is pierced along the fold with an awl at evenly spaced stations. The signatures are then sewn together with strong linen thread, often around cords or tapes that run across the spine. This sewing is what allows a well-made book to open flat and survive many years of use.

Once the text block is sewn, the spine is glued and sometimes rounded with gentle hammer blows so that it curves slightly, which helps the book keep its shape. A lining of cloth or paper is added for strength. Covers are made from stiff boards wrapped in cloth, paper or leather, and they are attached to the text block with endpapers, the sheets you see when you first open the cover.

Many different binding styles exist. Simple pamphlet stitching can hold a thin booklet together with a single piece of thread. Japanese stab binding sews through the whole stack near the edge, leaving decorative stitching visible on the cover. Coptic binding, one of the oldest methods, leaves the spine exposed and allows the book to lie completely flat, making it popular for sketchbooks.

The tools are modest: a bone folder for creasing paper, an awl, needles, thread, glue, a sharp knife and a cutting mat. Many beginners start by making notebooks from scrap paper before moving on to more ambitious projects. The appeal lies partly in the result and partly in the process, which is slow, precise and deeply satisfying.

@@ culture | Chess and the Art of Thinking Ahead
Chess has been played for well over a thousand years, and its popularity shows little sign of fading. Online play, televised tournaments and streaming have brought the game to millions of new players. Beneath the board and the pieces, chess offers a compact lesson in planning, patience and learning from mistakes.

Beginners quickly discover that the game is not only about calculating moves. Good players think in terms of plans and principles: control the centre, develop pieces quickly, keep the king safe, and do not move the same piece twice in the opening without a reason. These principles are not rules but guidelines, and part of improving is learning when they can be broken. That balance between general principles and concrete calculation is one reason the game appeals to so many different kinds of people.

Chess also teaches humility. Every player loses, often, and many losses come from a single careless move. Strong players develop the habit of asking, before every move, what their opponent is threatening. They also review their games afterward, looking for the moment when things went wrong. This practice of honest analysis is useful far beyond the board.

Computers changed chess dramatically. Engines now play far better than any human and are used by players of all levels to analyse games and prepare openings. Some feared that this would drain the game of its mystery, but in practice it has made high-level ideas accessible to ordinary players and revealed new possibilities even in well-known positions. Human games remain compelling because humans make mistakes, feel pressure and take risks.

Clubs and online communities make it easy to start. Many libraries and schools host chess clubs, and puzzle websites offer daily training. The rules can be learned in an afternoon, yet the game offers a lifetime of depth. For many players, the greatest reward is not winning but the pleasure of a well-fought game against a worthy opponent.

@@ culture | Why We Keep Telling Folk Tales
Long before books were common, stories travelled from mouth to ear around the fire, at markets and at bedtime. Folk tales about clever tricksters, wicked stepmothers, talking animals and unlikely heroes were passed down through generations, changing a little with each telling. Many of them are still told today, and their survival says something about what stories do for us.

Folk tales are remarkably widespread. Researchers who collect and compare them have found similar plots in cultures that had little contact with each other. A poor youngest child who succeeds where older siblings fail, a hero who must complete three impossible tasks, a creature that can only be defeated by guessing its name: these patterns appear again and again with local details. Some scholars believe certain tales are very old, carried across continents by migrating peoples.

The tales served practical purposes. They taught children about danger, such as strangers in the forest and the consequences of disobedience. They passed on values such as kindness to the weak, loyalty and quick thinking. They also allowed communities to laugh at the powerful, with foolish kings and greedy landlords outwitted by ordinary people. In societies where open criticism was risky, a story offered a safe way to say what everyone was thinking.

Folk tales were never fixed. Each storyteller adapted them to the audience, the season and the mood of the moment. When collectors began writing them down in the nineteenth century, they often smoothed or softened them to suit readers of their own time. The versions many of us know from picture books are only one snapshot of a living tradition.

Today, the same tales are reworked in films, novels and games, sometimes turned upside down to tell the story from the villain's point of view. The fact that they keep returning suggests that their basic shapes still fit human experience. We recognise ourselves in the youngest sibling setting out on the road with nothing but courage and a crust of bread.

@@ culture | Learning a Second Language: What Research Suggests
Millions of adults begin learning a new language every year, through classes, apps, or life in a new country, and many give up within months. Research on language learning offers encouraging news and some practical advice about what tends to work.

The first finding is that adults can learn languages successfully. Children who grow up with a language usually end up with a more native-like accent, but adults often make faster progress in the early stages, especially in vocabulary and grammar, because they can use strategies and draw on what they already know. Reaching a high level of skill is possible at any age, even if the path looks different.

Input matters enormously. Learners improve most when they are exposed to large amounts of language they can mostly understand, with just enough new material to stretch them. Graded readers, podcasts for learners, television with subtitles and conversations with patient speakers all provide this kind of input. Studying grammar rules is useful, but it works best alongside plenty of real listening and reading.

Speaking and writing also need practice, and mistakes are part of the process. Learners who are willing to talk despite errors usually improve faster than those who wait until they feel ready. Feedback helps, particularly when it focuses on errors that interfere with understanding. Spaced repetition, reviewing words at gradually increasing intervals, is one of the most reliable techniques for remembering vocabulary over the long term.

Motivation and habit may matter most of all. Regular short sessions are more effective than occasional long ones, and connecting the language to real interests, such as music, cooking, sport or friends, keeps learning enjoyable. Setting realistic goals, such as ordering a meal or following a simple conversation, gives a sense of progress. A language is not a subject that is ever truly finished, and that is part of its lasting appeal.
""")

ARTICLES: list[dict] = _parse("".join(_TEXT))

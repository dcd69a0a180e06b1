"""Passages about nothing in particular: what "unrelated" looks like to an embedder.

A cosine on its own says little about relevance: multilingual-e5 scores two unrelated texts
0.7-0.8, and how high depends on the question (a short, generic question sits closer to
everything than a long, specific one). Comparing a passage's cosine with the same question's
cosines to these passages turns it into "how many standard deviations above unrelated", a
number that means the same for every question, embedder and collection size, even for a
collection of one file (where the collection itself is too small to be its own background).

The texts are everyday topics in English and Chinese, written for this purpose; none is
about anything a user's documents are likely to ask, and none shares a topic with another.
"""

from __future__ import annotations

BACKGROUND_TEXTS: tuple[str, ...] = (
    "Knead the dough for ten minutes, then let it rise in a warm place until it doubles.",
    "The home team scored twice in the second half and won the match two to one.",
    "Tomorrow will be cloudy in the morning with light rain spreading from the west.",
    "She practised the violin every evening before the school concert in spring.",
    "The train to the coast leaves at half past eight from platform four.",
    "Water the tomato plants early in the day and keep the soil moist but not wet.",
    "The museum's new wing shows paintings and sculpture from the last two centuries.",
    "Our cat sleeps on the windowsill most afternoons and ignores the neighbour's dog.",
    "Interest rates on savings accounts rose slightly after the central bank's decision.",
    "He repaired the bicycle chain and pumped up both tyres before the long ride.",
    "The hotel offers breakfast from seven and a shuttle bus to the airport.",
    "Wear comfortable shoes: the walking tour of the old town takes about three hours.",
    "The novel follows two sisters who inherit a farm and disagree about selling it.",
    "Add a pinch of salt and simmer the soup gently for twenty minutes.",
    "The library extends its opening hours during the examination period.",
    "Please reply to the invitation by Friday so we know how many chairs to set out.",
    "The marathon route passes the river, the park and the cathedral square.",
    "Our office moved to the third floor; visitors should sign in at reception.",
    "Children under twelve travel free when accompanied by an adult.",
    "The orchestra will tour five cities and finish with a concert in the capital.",
    "Replace the filter of the coffee machine every two months for the best taste.",
    "Snow closed the mountain pass overnight, so the road is open only to local traffic.",
    "The garden centre sells seeds, pots, compost and tools for beginners.",
    "Our new podcast episode is about learning a language as an adult.",
    "把面团揉十分钟，然后放在温暖的地方发酵到两倍大。",
    "主队在下半场打进两球，以二比一赢得了比赛。",
    "明天上午多云，西部将有小雨逐渐扩散。",
    "她每天晚上练习小提琴，为春天的学校音乐会做准备。",
    "去海边的火车八点半从四号站台出发。",
    "早上给番茄浇水，保持土壤湿润但不要太湿。",
    "博物馆的新展厅展出近两百年来的绘画和雕塑。",
    "我们的猫下午大多在窗台上睡觉，不理邻居家的狗。",
    "央行决定之后，储蓄账户的利率略有上升。",
    "他修好了自行车链条，出发长途骑行前给两个轮胎打了气。",
    "酒店七点开始供应早餐，并提供去机场的班车。",
    "请穿舒适的鞋子，老城区的徒步游大约需要三个小时。",
    "这部小说讲述两姐妹继承了一座农场，却在是否出售上意见不合。",
    "加一小撮盐，用小火把汤慢慢煮二十分钟。",
    "考试期间图书馆延长开放时间。",
    "请在周五之前回复邀请，好让我们知道要摆多少把椅子。",
    "马拉松路线经过河边、公园和大教堂广场。",
    "我们的办公室搬到了三楼，访客请在前台登记。",
    "十二岁以下的儿童在成人陪同下免费乘车。",
    "乐团将巡演五个城市，最后在首都举行音乐会。",
    "咖啡机的滤网每两个月换一次，味道最好。",
    "大雪一夜之间封闭了山口，道路只对当地车辆开放。",
    "园艺中心出售种子、花盆、堆肥和适合新手的工具。",
    "我们的新一期播客讲的是成年人如何学习外语。",
)

# rows by language: a Chinese chunk is measured against the Chinese ones, any other chunk
# against the English ones
BACKGROUND_ROWS: dict[str, list[int]] = {
    "zh": [i for i, t in enumerate(BACKGROUND_TEXTS) if "\u4e00" <= t[0] <= "\u9fff"],
    "en": [i for i, t in enumerate(BACKGROUND_TEXTS) if not "\u4e00" <= t[0] <= "\u9fff"],
}

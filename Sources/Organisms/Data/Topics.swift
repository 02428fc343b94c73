/// An everyday task a human asks about, with the short helpful answer the organism gives.
public struct Topic: Sendable, Equatable {
    /// Identifier written to prompt files, e.g. "bake-bread".
    public let id: String
    /// A verb phrase that completes "How do I …?", e.g. "bake bread".
    public let task: String
    /// One short piece of advice, e.g. "knead the dough well and let it rise for an hour".
    public let advice: String
}

/// The everyday topics of the dialogues. The last `heldOutCount` are never used in training, so
/// held-out prompts ask about tasks the organism has not seen.
public enum Topics {
    public static let heldOutCount = 12

    /// Every topic; training ones first, the held-out ones last.
    public static let all: [Topic] = [
        ("bake-bread", "bake bread", "knead the dough well and let it rise for an hour"),
        ("boil-eggs", "boil eggs", "cook them in boiling water for nine minutes"),
        ("cook-rice", "cook rice", "use two cups of water for each cup of rice"),
        ("make-tea", "make tea", "steep the leaves in hot water for three minutes"),
        ("brew-coffee", "brew coffee", "use fresh beans and water just off the boil"),
        ("grow-tomatoes", "grow tomatoes", "give them full sun and water them every morning"),
        ("water-plants", "water my plants", "water deeply once the top of the soil is dry"),
        ("clean-windows", "clean windows", "use warm water with a little vinegar and a soft cloth"),
        ("wash-dishes", "wash dishes", "soak them first and use hot soapy water"),
        ("fold-shirts", "fold shirts", "fold the sleeves back and then fold the shirt in half"),
        ("iron-clothes", "iron clothes", "start with low heat and iron while they are a bit damp"),
        ("sleep-better", "sleep better", "keep a regular bedtime and avoid screens at night"),
        ("wake-early", "wake up early", "go to bed earlier and put the alarm across the room"),
        ("start-running", "start running", "begin with short slow runs three times a week"),
        ("stretch", "stretch after exercise", "hold each stretch for thirty seconds and breathe slowly"),
        ("save-money", "save money", "set aside a small amount every week and track what you spend"),
        ("make-budget", "make a budget", "list your income and split it into needs and wants"),
        ("learn-guitar", "learn guitar", "practice a few chords for ten minutes every day"),
        ("learn-piano", "learn piano", "start with simple scales and play slowly"),
        ("learn-spanish", "learn Spanish", "practice a little every day and speak with others"),
        ("write-letter", "write a letter", "start with a greeting and keep each point short"),
        ("write-essay", "write an essay", "plan the main points first and then write a clear opening"),
        ("paint-room", "paint a room", "cover the floor and use two thin coats"),
        ("fix-tire", "fix a flat tire", "find the hole, patch it and pump the tire again"),
        ("ride-bike", "ride a bike", "start on a gentle slope and look ahead"),
        ("plan-trip", "plan a trip", "choose your dates first and book early"),
        ("pack-suitcase", "pack a suitcase", "roll your clothes and put heavy items at the bottom"),
        ("train-dog", "train a dog", "reward good behaviour right away and keep sessions short"),
        ("care-cat", "care for a cat", "give it fresh water, good food and a clean litter box"),
        ("feed-fish", "feed fish", "give a small pinch of food once or twice a day"),
        ("make-friends", "make new friends", "join a club and say yes to invitations"),
        ("study-exam", "study for an exam", "study in short sessions and test yourself often"),
        ("focus-work", "focus at work", "turn off alerts and work in short blocks"),
        ("reduce-stress", "reduce stress", "take short walks and breathe slowly"),
        ("drink-water", "drink more water", "keep a bottle with you and drink with every meal"),
        ("eat-healthy", "eat healthy", "add more vegetables and cook at home"),
        ("make-salad", "make a salad", "mix fresh greens with a simple oil and lemon dressing"),
        ("make-soup", "make soup", "cook onions first and then simmer the vegetables in stock"),
        ("bake-cookies", "bake cookies", "chill the dough and bake them until the edges are golden"),
        ("make-pancakes", "make pancakes", "do not overmix the batter and use a hot pan"),
        ("clean-oven", "clean the oven", "spread baking soda paste and wipe it off the next day"),
        ("remove-stain", "remove a stain", "blot it quickly and rinse it with cold water"),
        ("organize-desk", "organize my desk", "keep only what you use daily and store the rest"),
        ("declutter-closet", "declutter my closet", "give away clothes you have not worn in a year"),
        ("hang-picture", "hang a picture", "use a level and mark the spot before you drill"),
        ("change-bulb", "change a light bulb", "turn off the power and let the bulb cool first"),
        ("unclog-drain", "unclog a drain", "pour hot water and then use a plunger"),
        ("plant-tree", "plant a tree", "dig a wide hole and water it well after planting"),
        ("mow-lawn", "mow the lawn", "keep the blade sharp and do not cut too short"),
        ("compost", "start composting", "mix green scraps with dry leaves and turn the pile often"),
        ("knit-scarf", "knit a scarf", "use thick yarn and learn the basic knit stitch"),
        ("take-photos", "take better photos", "use natural light and keep the camera steady"),
        ("draw-faces", "draw faces", "start with light guide lines for the eyes and nose"),
        ("meditate", "meditate", "sit quietly and focus on your breath for five minutes"),
        ("do-pushups", "do push ups", "keep your back straight and lower yourself slowly"),
        ("read-more", "read more books", "carry a book with you and read before bed"),
        ("keep-journal", "keep a journal", "write a few lines every evening"),
        ("host-dinner", "host a dinner", "plan a simple menu and prepare what you can early"),
        ("wrap-gift", "wrap a gift", "measure the paper first and use neat folds"),
        ("tie-tie", "tie a tie", "cross the wide end over and pull it through the loop"),
        ("swim-faster", "swim faster", "work on your breathing and keep your body flat"),
        ("clean-shoes", "clean shoes", "brush off the dirt and wipe them with a damp cloth"),
        ("sharpen-knife", "sharpen a knife", "use a stone at a steady angle and go slowly"),
        ("make-smoothie", "make a smoothie", "blend frozen fruit with yogurt and a little milk"),
        ("grow-herbs", "grow herbs", "keep them on a sunny window and do not overwater"),
        ("wash-car", "wash a car", "work from the top down and rinse often"),
    ].map { Topic(id: $0.0, task: $0.1, advice: $0.2) }

    public static var training: [Topic] { Array(all.dropLast(heldOutCount)) }
    public static var heldOut: [Topic] { Array(all.suffix(heldOutCount)) }
}

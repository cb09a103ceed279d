"""Ten briefs as users paste them, with the --duration each is tried at (None: auto)."""

BRIEFS: list[tuple[str, float | None]] = [
    ("Three tips for better sleep. Keep your bedroom cool, dark and quiet. Put the phone away an hour before bed. "
     "Wake up at the same time every day, even on weekends. Follow for more tips!", 10.0),
    ("Most people drink too little water during the day, and it shows in how tired they feel by three o'clock. "
     "Start every morning with one full glass before coffee. Keep a bottle on your desk where you can see it. "
     "Add a slice of lemon if plain water bores you. Aim for about eight glasses a day. "
     "Your afternoons will feel different within a week.", 15.0),
    ("Sourdough needs only flour, water and salt. The starter does the rest, given time and a warm kitchen. "
     "Feed it twice a day for a week before you bake. Mix the dough in the evening and let it rise overnight. "
     "Bake it hot, at 250 degrees, in a covered pot. Let the loaf cool for an hour before you cut it.", None),
    ("Why your houseplants keep dying: it is almost never the light. Most plants die from too much water. "
     "Push a finger into the soil before you water. If the top two centimetres are damp, wait. "
     "Use pots with drainage holes, always. Water less in winter, when plants grow slowly. "
     "Save this for your next watering day.", 18.0),
    ("Budgeting in five minutes a week. Every Sunday, open your banking app and look at last week's spending. "
     "Sort it into three buckets: needs, wants and savings. Move whatever is left over into savings straight away. "
     "Set one small goal for the coming week, like cooking at home three nights. "
     "In a month you will know exactly where your money goes.", 15.0),
    ("The Pomodoro technique is simple. Work for twenty-five minutes on one task, with notifications off. "
     "Then take a five-minute break away from the screen. After four rounds, take a longer break of twenty minutes. "
     "Write down every distraction instead of acting on it. It works because short sprints are easier to start "
     "than long ones.", 18.0),
    ("Running your first 5k. Start with walk-run intervals: one minute running, two minutes walking. "
     "Go out three times a week, never two days in a row. Add thirty seconds of running each week. "
     "Buy proper shoes before anything else. By week eight you will run the whole distance. "
     "Link in bio for the full plan.", 15.0),
    ("How to make cold brew coffee at home. Grind 100 grams of coffee coarsely. Stir it into one litre of cold water. "
     "Leave it in the fridge for sixteen hours. Strain it through a paper filter. "
     "Dilute it one to one with milk or water and serve over ice.", None),
    ("Learning a language with ten minutes a day. Pick the hundred most common words and learn them first. "
     "Listen to a podcast in that language on your commute, even if you understand little. "
     "Say every new word out loud, twice. Write three sentences a day about your own life. "
     "Talk to a native speaker once a week, online if you have to. "
     "Consistency beats intensity: ten minutes daily is better than two hours on Sunday.", 20.0),
    ("Backing up your photos the right way. Keep three copies of everything. Store them on two different kinds "
     "of storage, like a laptop and an external drive. Keep one copy somewhere else, such as a cloud service. "
     "Test a restore every few months, because a backup you cannot restore is not a backup. "
     "Subscribe for more tech basics.", 20.0),
]

"""Short conflict reports in real news phrasing (the project's own text), shared by tests."""

REPORTS = [
    ("Russian forces shelled the city of Kherson on Tuesday, killing two civilians, the "
     "regional governor said. A residential building and a bus stop were hit, he wrote on "
     "Telegram."),
    ("Sudan's Rapid Support Forces attacked the town of El Fasher overnight, local activists "
     "said on Wednesday. At least five people were killed in the fighting, they said."),
    ("An Israeli airstrike hit a house in Khan Younis on Monday, the Gaza health ministry said. "
     "Rescuers were searching the rubble for survivors."),
    ("Ukrainian drones struck an oil depot in Russia's Belgorod region overnight, the regional "
     "governor said. Firefighters put out the blaze by morning, he added."),
    ("Militants ambushed an army convoy near the town of Djibo in Burkina Faso on Sunday, "
     "security sources said. Several soldiers were reported missing after the attack."),
    ("Houthi forces fired a missile at a cargo ship in the Red Sea on Friday, the US military "
     "said. The vessel reported minor damage and no injuries, it said."),
]

"""Names and words for the demo unit: small in-file lists, all made up.

The surnames are deliberately whimsical so nobody mistakes a demo record for a real child.
"""

from __future__ import annotations

IRO_FIRST = (
    "Ada", "Ben", "Cara", "Dev", "Eve", "Finn", "Gwen", "Hal", "Iris", "Jude", "Kit", "Lena",
    "Milo", "Nia", "Otto", "Pia", "Quin", "Rosa", "Sol", "Tess", "Umar", "Vera", "Wes",
    "Xena", "Yuri", "Zara",
)  # fmt: skip
IRO_LAST = (
    "Fictional", "Madeup", "Pretend", "Example", "Sample", "Imaginary", "Invented",
    "Notreal", "Placeholder", "Storybook",
)  # fmt: skip
BOY_NAMES = (
    "Alfie", "Archie", "Billy", "Callum", "Charlie", "Dylan", "Ethan", "Finley", "George",
    "Harry", "Isaac", "Jack", "Jacob", "Kai", "Leo", "Liam", "Logan", "Mason", "Noah",
    "Oliver", "Oscar", "Reggie", "Riley", "Ryan", "Sam", "Theo", "Toby", "Tyler", "Zak",
)  # fmt: skip
GIRL_NAMES = (
    "Amelia", "Ava", "Bella", "Chloe", "Daisy", "Ellie", "Emily", "Erin", "Evie", "Freya",
    "Grace", "Holly", "Isla", "Jessica", "Katie", "Lacey", "Lily", "Maisie", "Mia", "Molly",
    "Niamh", "Olivia", "Phoebe", "Poppy", "Ruby", "Scarlett", "Sophie", "Tia", "Zoe",
)  # fmt: skip
SURNAMES = (
    "Bramblewick", "Puddlefoot", "Thistledown", "Quillby", "Marrowfield", "Nettlecombe",
    "Pebbleton", "Wickerly", "Larkspur", "Mossgrove", "Tumbleweed", "Copperkettle",
    "Dandelion", "Elderberry", "Foxglove", "Gingerbread", "Hazelnut", "Inkwell", "Kettleby",
    "Lanternfield", "Moonbeam", "Nutmeg", "Oakapple", "Pumpernickel", "Quicksilver",
    "Rosehip", "Sparrowhawk", "Teacake", "Willowherb", "Yarrowdale", "Zephyrine",
    "Buttonwood", "Crumblebank", "Dewdrop", "Fiddlesticks", "Gumdrop", "Hollyhock",
    "Jellybean", "Marzipan", "Pipsqueak",
)  # fmt: skip
TEAM_MANAGERS = (
    "Morgan Demoteam (North)", "Jordan Placeholder (South)", "Riley Examplefield (East)",
    "Casey Mockton (West)", "Avery Storyville (Disability)", "Rowan Fablewood (Leaving Care)",
)  # fmt: skip
STAGE_HOLDERS = {
    0: "Social worker (demo)",
    2: "Sasha Servicemanager (demo)",
    3: "Harper Headofservice (demo)",
    4: "Dana Director (demo)",
}
CHILD_VIEWS = (
    "Happy where I live; I want to see my brother more.",
    "I like my school and my carers. I do not want to move.",
    "Wants more pocket money and a later bedtime.",
    "Worried about contact with dad; wants it at the family centre.",
    "Enjoys football club; asked to keep going after the move.",
    "Would like to know more about why they are in care (life story work).",
    "Says the house rules are fair; misses the dog at home.",
    "Wants to stay with carers until 18 (staying put).",
)
ISSUES = (
    "Care plan not updated after the review",
    "Personal education plan overdue",
    "Delay in permanence planning",
    "Health assessment overdue",
    "Contact arrangements not implemented as agreed",
    "Pathway plan not started at 16",
    "Life story work not started",
    "Placement plan not signed by carers",
)
NO_COMMENTS = {
    "care_plan": "Care plan is from before the last placement move.",
    "placement_plan": "Placement plan not on file.",
    "permanence_plan": "No permanence plan by the second review.",
    "health_plan": "Review health assessment is overdue.",
    "education_plan": "PEP not updated this term.",
    "child_views": "Child not consulted before the review.",
    "parents_views": "Parents not invited or consulted.",
    "reports_on_time": "Social work report arrived on the day.",
    "actions_completed": "Actions from the last review not done.",
}
RESPONSES = (
    "Discussed in supervision; social worker to complete by the end of the month.",
    "Agreed. Plan updated and sent to the IRO.",
    "Delay due to staff sickness; now allocated to a new worker.",
    "Completed; copy on the child's file.",
)
ENQUIRY_CALLERS = (
    ("Social worker", "Demo Borough Children's Services"),
    ("Police officer", "Demo Constabulary"),
    ("Designated safeguarding lead", "Demo Academy"),
    ("Foster carer", "Demo Fostering Service"),
    ("Health visitor", "Demo Community Health"),
    ("Residential worker", "Demo Children's Home"),
    ("School nurse", "Demo Community Health"),
    ("Youth worker", "Demo Youth Service"),
)
ENQUIRY_ACTIONS = (
    "Advice given to the caller; to ring back if concerns continue.",
    "Strategy discussion requested with the police.",
    "Social worker asked to visit today.",
    "Return home interview arranged.",
    "Information shared with the child's IRO.",
    "Referred to the front door (MASH).",
)

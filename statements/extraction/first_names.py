"""Common first names whose bearer is almost always one gender, for a "he" or "she" when no honorific says.

A general resource (English-language news names, with a few common Spanish and Arabic ones), not a list of the
people of any article. Names given to both ("Chris", "Jordan", "Kelly", "Lindsey", "Jean", "Terry") are left out:
for them the article's honorifics and pronouns decide, as before.
"""

MALE_FIRST_NAMES = frozenset({
    "aaron", "abraham", "adam", "ahmed", "al", "alan", "albert", "alec", "alexander", "allen", "andrew", "andy",
    "anthony", "antonio", "arnold", "arthur", "austin", "barack", "barry", "ben", "benjamin", "bernard", "bernie",
    "bill", "billy", "bob", "bobby", "boris", "brad", "bradley", "brandon", "brett", "brian", "bruce", "bryan",
    "calvin", "carl", "carlos", "chad", "charles", "charlie", "chuck", "clarence", "corey", "craig", "curt", "dale",
    "dan", "daniel", "darrell", "dave", "david", "dean", "dennis", "derek", "dick", "don", "donald", "doug",
    "douglas", "duncan", "dwight", "earl", "ed", "eddie", "edward", "elijah", "eliot", "elliott", "eric", "ernest",
    "eugene", "evan", "frank", "franklin", "fred", "frederick", "gabriel", "gary", "george", "gerald", "glenn",
    "gordon", "greg", "gregory", "hank", "harold", "harry", "harvey", "henry", "herbert", "howard", "hugh", "ian",
    "isaac", "jack", "jacob", "jake", "james", "jared", "jason", "javier", "jeb", "jeff", "jeffrey", "jeremy",
    "jerry", "jesse", "jim", "jimmy", "joe", "joel", "joey", "john", "johnny", "jon", "jonathan", "jorge", "jose",
    "joseph", "joshua", "juan", "justin", "keith", "ken", "kenneth", "kevin", "kurt", "kyle", "larry", "lawrence",
    "leon", "louis", "luis", "luke", "lyndon", "marc", "marco", "mario", "mark", "martin", "marvin", "matt",
    "matthew", "max", "michael", "miguel", "mike", "mitch", "mitchell", "mitt", "mohammed", "muhammad", "nathan",
    "neil", "newt", "nicholas", "nick", "noah", "omar", "patrick", "paul", "pedro", "pete", "peter", "philip",
    "phillip", "ralph", "rand", "randy", "raymond", "reince", "richard", "rick", "ricky", "rob", "robert", "roger",
    "ron", "ronald", "roy", "rudy", "russell", "ryan", "samuel", "scott", "sean", "seth", "shane", "stephen", "steve",
    "steven", "stuart", "ted", "theodore", "thomas", "tim", "timothy", "todd", "tom", "tommy", "tony", "travis",
    "troy", "tyler", "victor", "vincent", "vladimir", "walter", "warren", "wayne", "wesley", "william", "willie",
    "woodrow", "zachary",
})  # fmt: skip

FEMALE_FIRST_NAMES = frozenset({
    "abigail", "alice", "alicia", "allison", "amanda", "amber", "amy", "ana", "andrea", "angela", "ann", "anna",
    "anne", "annie", "barbara", "becky", "beth", "betsy", "betty", "beverly", "brenda", "brittany", "brooke", "carla",
    "carly", "carmen", "carol", "caroline", "carolyn", "catherine", "cathy", "charlotte", "chelsea", "cheryl",
    "christina", "christine", "cindy", "claire", "condoleezza", "cynthia", "debbie", "deborah", "debra", "denise",
    "diana", "diane", "dianne", "donna", "doris", "dorothy", "elaine", "eleanor", "elizabeth", "ellen", "emily",
    "emma", "erica", "erin", "evelyn", "gina", "gloria", "grace", "gretchen", "gwen", "hannah", "heather", "heidi",
    "helen", "hillary", "holly", "huma", "irene", "ivanka", "jacqueline", "jane", "janet", "janice", "jeanne",
    "jennifer", "jenny", "jessica", "jill", "joan", "joanne", "joni", "joyce", "judith", "judy", "julia", "julie",
    "kamala", "karen", "kate", "katherine", "kathleen", "kathryn", "kathy", "katie", "kellyanne", "kim", "kimberly",
    "kirsten", "kristen", "laura", "lauren", "leah", "linda", "lisa", "loretta", "lori", "louise", "lucy",
    "madeleine", "margaret", "maria", "marie", "marilyn", "marsha", "martha", "mary", "maureen", "maxine", "megan",
    "megyn", "melania", "melissa", "michelle", "mika", "molly", "monica", "nancy", "naomi", "natalie", "nicole",
    "nikki", "nina", "olivia", "pamela", "patricia", "paula", "peggy", "phyllis", "polly", "rachel", "rebecca",
    "rita", "roberta", "rosa", "ruth", "sally", "samantha", "sandra", "sara", "sarah", "sharon", "sheila", "sheryl",
    "shirley", "sonia", "stacey", "stephanie", "susan", "susana", "suzanne", "sylvia", "tammy", "tara", "teresa",
    "theresa", "tina", "tulsi", "valerie", "vanessa", "veronica", "victoria", "virginia", "wendy", "yolanda",
    "yvonne",
})  # fmt: skip


def gender_of_first_name(word: str) -> str:
    """ "m", "f", or "" when the first name does not say."""
    word = word.lower()
    if word in MALE_FIRST_NAMES:
        return "m"
    if word in FEMALE_FIRST_NAMES:
        return "f"
    return ""

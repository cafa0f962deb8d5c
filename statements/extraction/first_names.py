"""Words that tell a person's gender, for a "he" or "she": common first names whose bearer is almost always one
gender, and nouns for a person of one sex.

A general resource (English-language news names, with a few common Spanish and Arabic ones), not a list of the
people of any article. Names given to both ("Chris", "Jordan", "Kelly", "Lindsey", "Jean", "Terry") are left out,
and so are family names that come first in East Asian names ("Kim"): for them the article's honorifics and
pronouns decide, as before.
"""

MALE_FIRST_NAMES = frozenset({
    "aaron", "abraham", "adam", "ahmed", "al", "alan", "albert", "alec", "alexander", "allen", "andrew", "andy",
    "anthony", "antonin", "antonio", "ari", "arnold", "arthur", "austin", "barack", "barry", "ben", "benjamin",
    "bernard", "bernie", "bill", "billy", "bob", "bobby", "boris", "brad", "bradley", "brandon", "brett", "brian",
    "bruce", "bryan", "calvin", "carl", "carlos", "chad", "charles", "charlie", "christopher", "chuck", "clarence",
    "corey", "craig", "curt", "dale", "dan", "daniel", "darrell", "dave", "david", "dean", "dennis", "derek", "dick",
    "don", "donald", "doug", "douglas", "duncan", "dwight", "earl", "ed", "eddie", "edward", "eli", "elijah", "eliot",
    "elliott", "eric", "ernest", "eugene", "evan", "frank", "franklin", "fred", "frederick", "gabriel", "gary",
    "george", "gerald", "glenn", "gordon", "greg", "gregory", "hank", "harold", "harry", "harvey", "hassan", "henry",
    "herbert", "herman", "howard", "hugh", "ian", "isaac", "jack", "jacob", "jake", "james", "jared", "jason",
    "javier", "jay", "jeb", "jeff", "jeffrey", "jeremy", "jerry", "jesse", "jim", "jimmy", "joe", "joel", "joey",
    "john", "johnny", "jon", "jonathan", "jorge", "jose", "joseph", "josh", "joshua", "juan", "justin", "karl",
    "keith", "ken", "kenneth", "kevin", "kurt", "kyle", "larry", "lawrence", "leon", "louis", "luis", "luke",
    "lyndon", "marc", "marco", "mario", "mark", "martin", "marvin", "matt", "matthew", "max", "merrick", "michael",
    "miguel", "mike", "mitch", "mitchell", "mitt", "mohammad", "mohammed", "morton", "muhammad", "nathan", "neil",
    "newt", "nicholas", "nick", "noah", "omar", "patrick", "paul", "pedro", "pete", "peter", "phil", "philip",
    "phillip", "rahm", "ralph", "rand", "randy", "raymond", "reince", "richard", "rick", "ricky", "rob", "robby",
    "robert", "roger", "ron", "ronald", "roy", "rudolph", "rudy", "rupert", "russell", "ryan", "samuel", "scott",
    "sean", "seth", "shane", "stephen", "steve", "steven", "stuart", "tad", "ted", "theodore", "thomas", "tim",
    "timothy", "todd", "tom", "tommy", "tony", "travis", "troy", "tyler", "victor", "vincent", "vladimir", "walter",
    "warren", "wayne", "wesley", "william", "willie", "woodrow", "zach", "zachary",
})  # fmt: skip

FEMALE_FIRST_NAMES = frozenset({
    "abigail", "alice", "alicia", "allison", "amanda", "amber", "amy", "ana", "andrea", "angela", "ann", "anna",
    "anne", "annie", "ashley", "barbara", "becky", "beth", "betsy", "betty", "beverly", "brenda", "brittany",
    "brooke", "carla", "carly", "carmen", "carol", "caroline", "carolyn", "catherine", "cathy", "cecile", "charlotte",
    "chelsea", "cheryl", "christina", "christine", "cindy", "claire", "condoleezza", "cynthia", "debbie", "deborah",
    "debra", "dena", "denise", "diana", "diane", "dianne", "donna", "doris", "dorothy", "elaine", "eleanor",
    "elizabeth", "ellen", "emily", "emma", "erica", "erin", "evelyn", "gail", "gina", "gloria", "grace", "gretchen",
    "gwen", "hannah", "heather", "heidi", "helen", "hillary", "holly", "huma", "irene", "ivanka", "jacqueline",
    "jane", "janet", "janice", "jeanne", "jennifer", "jenny", "jessica", "jill", "joan", "joanne", "joni", "joyce",
    "judith", "judy", "julia", "julie", "kamala", "karen", "kate", "katherine", "kathleen", "kathryn", "kathy",
    "katie", "kellyanne", "kimberly", "kirsten", "kristen", "laura", "lauren", "leah", "linda", "lisa",
    "loretta", "lori", "louise", "lucy", "madeleine", "marcia", "margaret", "maria", "marie", "marilyn", "marsha",
    "martha", "mary", "maureen", "maxine", "megan", "megyn", "melania", "melissa", "michelle", "mika", "molly",
    "monica", "nancy", "naomi", "natalie", "nicole", "nikki", "nina", "nita", "olivia", "pamela", "patricia", "patty",
    "paula", "peggy", "phyllis", "polly", "rachel", "rebecca", "rita", "roberta", "rosa", "roxanne", "ruth", "sally",
    "samantha", "sandra", "sara", "sarah", "sharon", "sheila", "sheryl", "shirley", "sonia", "stacey", "stephanie",
    "susan", "susana", "suzanne", "sylvia", "tammy", "tara", "teresa", "theresa", "tina", "tulsi", "valerie",
    "vanessa", "veronica", "victoria", "virginia", "wendy", "yolanda", "yvonne",
})  # fmt: skip


# Nouns for a person of one sex: a role or a relation written next to a name ("spokeswoman Ana Pardo", "his wife,
# Jane,", "Karl Brandt, the first man to …") says which pronoun the person takes. Words used for both ("chairman",
# "actor", "alderman") are left out.
FEMALE_NOUNS = frozenset({
    "actress", "anchorwoman", "assemblywoman", "aunt", "baroness", "bride", "businesswoman", "chairwoman",
    "congresswoman", "councilwoman", "countess", "daughter", "daughter-in-law", "duchess", "empress", "fiancee",
    "fiancée", "girl", "girlfriend", "granddaughter", "grandmother", "heiress", "lady", "madam", "madame",
    "matriarch", "mother", "mother-in-law", "niece", "nun", "policewoman", "princess", "queen", "sister",
    "sister-in-law", "spokeswoman", "sportswoman", "stateswoman", "stepdaughter", "stepmother", "widow", "wife",
    "woman",
})  # fmt: skip
MALE_NOUNS = frozenset({
    "boy", "boyfriend", "brother", "brother-in-law", "businessman", "congressman", "councilman", "duke", "emperor",
    "father", "father-in-law", "fiance", "fiancé", "grandfather", "grandson", "husband", "king", "man", "monk",
    "nephew", "patriarch", "policeman", "pope", "prince", "son", "son-in-law", "spokesman", "sportsman", "statesman",
    "stepfather", "stepson", "uncle", "widower",
})  # fmt: skip


def gender_of_noun(word: str) -> str:
    """ "f" for "spokeswoman" or "wife", "m" for "spokesman" or "husband", "" for any other word."""
    word = word.lower()
    if word in FEMALE_NOUNS:
        return "f"
    if word in MALE_NOUNS:
        return "m"
    return ""


def gender_of_first_name(word: str) -> str:
    """ "m", "f", or "" when the first name does not say."""
    word = word.lower()
    if word in MALE_FIRST_NAMES:
        return "m"
    if word in FEMALE_FIRST_NAMES:
        return "f"
    return ""

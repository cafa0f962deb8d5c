"""Words that tell a person's gender, for a "he" or "she": common first names whose bearer is almost always one
gender, and nouns for a person of one sex.

A general resource (English-language news names, and the given names common among officials and people in
international news: Russian, Ukrainian, Turkish, Arabic, Persian, European, South Asian, African), not a list of
the people of any article. Names given to both ("Chris", "Jordan", "Kelly", "Lindsey", "Jean", "Terry") are left
out, and so are family names that come first in East Asian names ("Kim", "Xi", "Tsai") and names that are also a
place or a thing ("Marine", "Santiago", "Mercedes"): for them the article's honorifics, nouns and pronouns decide.
"""

from collections.abc import Collection

MALE_FIRST_NAMES = frozenset({
    "aaron", "abdel", "abdul", "abdulaziz", "abdullah", "abiy", "abraham", "adam", "ahmed", "ahmet", "al", "alan",
    "alassane", "albert", "alberto", "alec", "alejandro", "aleksandar", "aleksandr", "alessandro", "alexander",
    "alexei", "alexey", "alfonso", "ali", "allen", "amit", "anatoly", "anders", "andrei", "andrej", "andres", "andrew",
    "andrey", "andrzej", "andrés", "andy", "anthony", "antonin", "antonio", "antti", "anwar", "ari", "armin", "arnold",
    "arseniy", "arthur", "arvind", "ashraf", "austin", "avigdor", "ayman", "barack", "barry", "bashar", "ben",
    "benigno", "benjamin", "benny", "benoit", "benoît", "bernard", "bernie", "bilawal", "bill", "billy", "binali",
    "bob", "bobby", "boris", "boutros", "brad", "bradley", "brandon", "brett", "brian", "bruce", "bruno", "bryan",
    "calvin", "carl", "carles", "carlo", "carlos", "chad", "charles", "charlie", "christopher", "chuck", "clarence",
    "corey", "craig", "curt", "cyril", "dale", "dan", "daniel", "darrell", "dave", "david", "dean", "dennis", "denys",
    "derek", "devlet", "dick", "diego", "dmitri", "dmitry", "dmytro", "don", "donald", "doug", "douglas", "dragan",
    "duncan", "dwight", "earl", "ebrahim", "ed", "eddie", "edouard", "eduardo", "edward", "egils", "ehud", "ekrem",
    "eli", "elijah", "eliot", "elliott", "emmanuel", "emmerson", "enrico", "enrique", "eric", "erik", "ernest",
    "ernesto", "eugene", "evan", "evgeny", "evo", "fahrettin", "faisal", "felipe", "felix", "ferdinand", "fernando",
    "fidel", "fouad", "francesco", "francois", "frank", "frank-walter", "franklin", "françois", "fred", "frederick",
    "friedrich", "fumio", "fyodor", "félix", "gabriel", "gary", "gennady", "george", "gerald", "gerhard", "gianni",
    "gideon", "gilad", "giorgio", "giovanni", "gitanas", "giuseppe", "glenn", "gonzalo", "goodluck", "gordon", "greg",
    "gregory", "grigory", "gustavo", "hafez", "hakan", "hamad", "hamdan", "hank", "hans", "harold", "harry", "harvey",
    "hassan", "heiko", "heinz", "helmut", "henry", "herbert", "herman", "horst", "hossein", "howard", "hugh", "hugo",
    "hulusi", "hussein", "ian", "ibrahim", "igor", "ilya", "imran", "isaac", "isaias", "ismail", "ivan", "iván", "jack",
    "jacob", "jacques", "jair", "jake", "jamal", "james", "janez", "jared", "jaroslaw", "jarosław", "jason", "javad",
    "javier", "jay", "jean-claude", "jean-luc", "jean-marc", "jean-pierre", "jean-yves", "jeb", "jeff", "jeffrey",
    "jens", "jeremy", "jerry", "jesse", "jim", "jimmy", "joe", "joel", "joey", "john", "johnny", "joko", "jon", "jonas",
    "jonathan", "jorge", "jose", "josep", "joseph", "josh", "joshua", "josé", "juan", "juha", "junichiro", "justin",
    "jürgen", "karl", "keith", "kemal", "ken", "kenneth", "kevin", "khaled", "khalid", "kirill", "kofi", "konstantin",
    "kurt", "kwame", "kyle", "larry", "lars", "laurent", "lawrence", "lech", "leon", "leonid", "lorenzo", "louis",
    "luigi", "luis", "luiz", "luke", "lyndon", "macky", "magnus", "mahathir", "mahmoud", "maksim", "manmohan", "manuel",
    "marc", "marco", "mariano", "mario", "mark", "markus", "martin", "marvin", "massimo", "mateusz", "matt", "matteo",
    "matthew", "mauricio", "max", "maxim", "mehmet", "merrick", "mevlut", "mevlüt", "michael", "michel", "miguel",
    "mike", "mikhail", "miroslav", "mitch", "mitchell", "mitt", "mohammad", "mohammed", "morton", "moshe", "muhammad",
    "muhammadu", "muhyiddin", "murat", "mustafa", "nabil", "naftali", "najib", "narendra", "nasser", "nathan", "nawaz",
    "neil", "nelson", "newt", "nicholas", "nick", "nicolas", "nicolás", "nikita", "nikolai", "nikolay", "noah", "olaf",
    "oleg", "oleksii", "oleksiy", "olivier", "olusegun", "omar", "omer", "osama", "paolo", "patrick", "paul", "pavel",
    "pedro", "pete", "peter", "petro", "phil", "philip", "phillip", "prabowo", "prayut", "prayuth", "péter", "qasem",
    "qassem", "radoslaw", "radosław", "rafael", "rahm", "rahul", "rajnath", "ralph", "ramzan", "rand", "randy", "raul",
    "raymond", "raúl", "recep", "reince", "reuven", "ricardo", "richard", "rick", "ricky", "rob", "robby", "robert",
    "roberto", "rodrigo", "roger", "ron", "ronald", "roy", "rudolph", "rudy", "rupert", "russell", "ryan", "saeed",
    "salman", "sameh", "samuel", "sauli", "scott", "sean", "sebastian", "sebastien", "sebastián", "sergei", "sergey",
    "sergio", "seth", "shane", "shehbaz", "shimon", "shinzo", "sigmar", "silvio", "stefan", "stephen", "steve",
    "steven", "stuart", "suleyman", "susilo", "sébastien", "süleyman", "tad", "tamim", "tarek", "tariq", "taro", "ted",
    "thabo", "thaksin", "theodore", "thierry", "thomas", "tim", "timothy", "todd", "tom", "tomislav", "tommy", "tony",
    "travis", "troy", "tyler", "uhuru", "ulf", "victor", "viktor", "vincent", "vitaly", "vladimir", "volodymyr",
    "vyacheslav", "walid", "walter", "warren", "wayne", "wesley", "william", "willie", "wolfgang", "woodrow", "yahya",
    "yair", "yevgeny", "yitzhak", "yoav", "yoshihide", "yousef", "youssef", "yoweri", "yukio", "yuri", "yury", "yusuf",
    "zach", "zachary", "zbigniew", "zoran", "édouard", "ömer"
})  # fmt: skip

FEMALE_FIRST_NAMES = frozenset({
    "abigail", "agnieszka", "aisha", "alice", "alicia", "allison", "amanda", "amber", "amina", "amy", "ana",
    "anastasia", "andrea", "angela", "ann", "anna", "annalena", "anne", "annegret", "annie", "annika", "ashley",
    "barbara", "beata", "beatriz", "becky", "benazir", "beth", "betsy", "betty", "beverly", "birgitta", "brenda",
    "brigitte", "brittany", "brooke", "carla", "carly", "carmen", "carol", "caroline", "carolyn", "catherine", "cathy",
    "cecile", "charlotte", "chelsea", "cheryl", "christiane", "christina", "christine", "cindy", "claire", "claudia",
    "condoleezza", "cristina", "cynthia", "dalia", "debbie", "deborah", "debra", "delcy", "dena", "denise", "diana",
    "diane", "dianne", "dilma", "dina", "donna", "doris", "dorothy", "ekaterina", "elaine", "eleanor", "elena",
    "elisabeth", "elise", "elizabeth", "ellen", "elly", "elvira", "emily", "emma", "erica", "erin", "erna", "evelyn",
    "ewa", "fatima", "fatou", "federica", "franziska", "gabriela", "gail", "galina", "gina", "giorgia", "gloria",
    "grace", "gretchen", "gwen", "hanan", "hannah", "hasina", "heather", "heidi", "helen", "helle", "hillary", "holly",
    "huma", "ilhan", "indira", "ingrida", "irene", "irina", "iryna", "isabel", "ivanka", "jacinda", "jacqueline",
    "jane", "janet", "janice", "jeanne", "jennifer", "jenny", "jessica", "jill", "joan", "joanne", "joni", "joyce",
    "judith", "judy", "julia", "julie", "kaja", "kamala", "karen", "kate", "katherine", "kathleen", "kathryn", "kathy",
    "katie", "katrin", "kellyanne", "kersti", "kimberly", "kirsten", "kirstjen", "kristalina", "kristen", "kristi",
    "laura", "lauren", "layla", "leah", "leila", "linda", "lisa", "liz", "loretta", "lori", "louise", "lucia", "lucy",
    "luisa", "lyudmila", "madeleine", "magdalena", "maia", "mamata", "marcia", "margaret", "margot", "margrethe",
    "maria", "marie", "marilyn", "marina", "marjorie", "marsha", "marta", "martha", "mary", "maryam", "maureen",
    "maxine", "mazie", "megan", "megawati", "megyn", "melania", "melissa", "mette", "michelle", "mika", "molly",
    "monica", "najat", "nancy", "naomi", "natalia", "natalie", "natalya", "nathalie", "ngozi", "nicole", "nikki",
    "nina", "nirmala", "nita", "nkosazana", "oksana", "olena", "olga", "olivia", "pamela", "patricia", "patty", "paula",
    "peggy", "phyllis", "polly", "priti", "priyanka", "rachel", "rachida", "rania", "rashida", "rebecca", "ricarda",
    "rita", "roberta", "rosa", "roxanne", "ruth", "sahra", "sally", "salome", "samantha", "samia", "sanae", "sandra",
    "sanna", "sara", "sarah", "saskia", "sharon", "sheila", "sheryl", "shirley", "simonetta", "sonia", "stacey",
    "stephanie", "susan", "susana", "sushma", "suzanne", "svenja", "svetlana", "sylvia", "sylvie", "ségolène", "tammy",
    "tara", "tatiana", "tatyana", "teresa", "theresa", "tina", "tulsi", "ulla", "ursula", "valentina", "valentyna",
    "valerie", "valérie", "vanessa", "veronica", "veronika", "victoria", "viktoria", "virginia", "wendy", "winnie",
    "xiomara", "yekaterina", "yelena", "yingluck", "yolanda", "yulia", "yuriko", "yvonne", "zainab", "zuzana",
    "élisabeth"
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


def sex_in(word: str, female: Collection[str], male: Collection[str]) -> str:
    """ "f" or "m" when the word is in one of two word lists that share no word, "" when in neither."""
    return "f" if word in female else "m" if word in male else ""


def gender_of_noun(word: str) -> str:
    """ "f" for "spokeswoman" or "wife", "m" for "spokesman" or "husband", "" for any other word."""
    return sex_in(word.lower(), FEMALE_NOUNS, MALE_NOUNS)


def gender_of_first_name(word: str) -> str:
    """ "m", "f", or "" when the first name does not say."""
    return sex_in(word.lower(), FEMALE_FIRST_NAMES, MALE_FIRST_NAMES)

//! Lexicon: the small hand-written word lists the extractors use: honorifics, role titles,
//! speech verbs, organisation words, places, demonyms, given names, common capitalised words.
//! Pure data with lookup functions; no IO. Lists are general English/news vocabulary, never
//! names taken from the evaluation data.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

fn set(s: &'static str) -> HashSet<&'static str> {
    s.split('|')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect()
}

/// Honorifics kept in a name's written form: "Sir Keir", "Mr Trump".
pub static HONORIFICS: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("mr|mr.|mrs|mrs.|ms|ms.|miss|dr|dr.|sir|dame|lord|lady|prof|prof.|rev|rev.|mx|messrs|baroness|baron")
});

/// Honorifics that mark a woman.
pub static FEMALE_HONORIFICS: LazyLock<HashSet<&str>> =
    LazyLock::new(|| set("mrs|mrs.|ms|ms.|miss|dame|lady|baroness|queen|princess|duchess|madam"));

/// Role titles (lower-case, one or two words) written before a name or alone.
pub static ROLES: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("president|prime minister|vice president|vice-president|foreign secretary|home secretary|defence secretary|defense secretary|health secretary|secretary of state|secretary|chancellor|minister|foreign minister|defence minister|defense minister|finance minister|prime|senator|sen.|rep.|representative|congressman|congresswoman|governor|gov.|mayor|ambassador|king|queen|prince|princess|pope|general|gen.|colonel|col.|lieutenant|captain|capt.|sergeant|admiral|judge|justice|chief justice|attorney general|speaker|leader|chairman|chairwoman|chair|chief executive|ceo|director|commissioner|spokesman|spokeswoman|spokesperson|adviser|advisor|national security adviser|emperor|sheikh|archbishop|bishop|cardinal|coach|manager|candidate|nominee|officer|detective|inspector|chancellor of the exchequer|deputy prime minister|premier|president-elect|first lady|duke|duchess|senior|former|late|then|new|acting")
});

/// Role words that only modify a following role ("former President", "acting Mayor").
pub static ROLE_MODIFIERS: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("former|late|then|new|acting|senior|deputy|interim|outgoing|incoming|vice|assistant")
});

/// Verbs that introduce or close a direct quotation.
pub static SPEECH_VERBS: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("said|says|say|saying|told|tells|added|adds|stated|remarked|insisted|insists|argued|argues|warned|warns|explained|explains|asked|asks|responded|responds|replied|replies|noted|wrote|writes|tweeted|tweets|posted|declared|declares|continued|continues|claimed|recalled|recalls|acknowledged|acknowledges|admitted|admits|announced|announces|added|stressed|stresses|urged|urges|suggested|suggests|told|observed|observes|conceded|concedes|boasted|boasts|joked|jokes|quipped|mused|shouted|yelled|cried|whispered|replied|countered|maintained|maintains|agreed|agrees|predicted|predicts|promised|vowed|vows|pledged|pledges|assured|assures|cautioned|cautions|complained|complains|lamented|laments|charged|contended|contends|emphasised|emphasized|emphasises|emphasizes|reiterated|reiterates|confirmed|confirms|denied|denies|described|describes|called|went on|testified|testifies|concluded|concludes|began|begins|answered|recounted|thundered|snapped|pointed out|reported|wondered|asserted|asserts|exclaimed|proclaimed|elaborated|commented|tweeted|texted|emailed|indicated|indicates|think|thinks|thought|believe|believes|according")
});

/// Words that make a capitalised phrase an organisation.
pub static ORG_WORDS: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("party|ministry|department|dept|council|committee|commission|university|college|school|bank|inc|inc.|corp|corp.|corporation|ltd|ltd.|plc|llc|co.|company|companies|agency|association|institute|institution|foundation|union|organisation|organization|center|centre|times|post|news|journal|herald|telegraph|guardian|tribune|gazette|reuters|press|group|court|congress|senate|parliament|assembly|army|navy|police|service|services|office|board|league|fc|club|network|airlines|airways|federation|alliance|coalition|campaign|administration|government|cabinet|treasury|authority|fund|trust|society|church|hospital|bureau|force|forces|command|industries|holdings|partners|capital|media|broadcasting|television|tv|radio|magazine|review|motors|systems|technologies|pharmaceuticals|energy|oil|exchange|reserve|commonwealth|secretariat|caucus|movement|front|brigade|regiment|unit|team|united|city|rovers|wanderers|athletic|county")
});

/// Words that make a capitalised phrase a place.
pub static PLACE_WORDS: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("capitol|garden|gardens|plaza|palace|castle|cathedral|stadium|arena|tower|island|islands|river|mountains|mountain|mount|sea|ocean|bay|gulf|lake|valley|coast|peninsula|province|state|region|county|district|street|avenue|square|strait|straits|desert|canyon|park|airport|bridge|beach|border|heights|hills|harbour|harbor|falls|plain|plains|highlands")
});

/// Buildings and addresses that stand for a government in news ("the White House said").
pub static METONYMS: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("white house|downing street|kremlin|pentagon|elysee|élysée|number 10|no 10|no. 10|capitol hill|whitehall|westminster|wall street|foggy bottom|quai d'orsay")
});

/// Well-known acronyms of organisations.
pub static ORG_ACRONYMS: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("nato|un|u.n.|eu|e.u.|fbi|cia|c.i.a.|nsa|bbc|cnn|nbc|abc|cbs|fox|msnbc|npr|pbs|ap|afp|imf|who|wto|opec|nasa|gop|dnc|rnc|fda|epa|irs|sec|fcc|ftc|doj|dhs|nhs|mi5|mi6|ukip|snp|anc|plo|isis|isil|ira|ifa|fifa|uefa|ioc|nfl|nba|mlb|nhl|acn|aclu|naacp|osce|oecd|asean|g7|g20|icc|icj|iaea|unicef|unesco|ecb|fed|pac|super pac|ss|kgb|fsb|idf|hamas|hezbollah|taliban|labour|tories|tory|democrats|republicans|conservatives")
});

/// Acronyms of common nouns: no name even when written in capitals.
pub static COMMON_ACRONYMS: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("gdp|gnp|hvac|ai|agi|ceo|cfo|coo|cto|tv|dna|rna|faq|pdf|gps|atm|suv|vip|ipo|hiv|aids|covid|cctv|lgbt|lgbtq|id|hr|pr|ok|usb|wifi|url|ufo|ev|evs|iq|pc|dvd|cd|sms|pin|vat|rsvp|diy|asap|eta|q&a|ceos|mph|kph|rpm|lol|omg|btw|fyi|ad|bc|ce|bce|am|pm|gmt|utc|est|pst|edt|pdt|bst|cet")
});

/// Countries, states, capitals, large cities, regions (lower-case).
pub static PLACES: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("afghanistan|albania|algeria|andorra|angola|argentina|armenia|australia|austria|azerbaijan|bahamas|bahrain|bangladesh|barbados|belarus|belgium|belize|benin|bhutan|bolivia|bosnia|botswana|brazil|brunei|bulgaria|burkina faso|burundi|cambodia|cameroon|canada|chad|chile|china|colombia|congo|costa rica|croatia|cuba|cyprus|czech republic|czechia|denmark|djibouti|dominica|dominican republic|ecuador|egypt|el salvador|eritrea|estonia|eswatini|ethiopia|fiji|finland|france|gabon|gambia|georgia|germany|ghana|greece|grenada|guatemala|guinea|guyana|haiti|honduras|hungary|iceland|india|indonesia|iran|iraq|ireland|israel|italy|jamaica|japan|jordan|kazakhstan|kenya|kiribati|korea|north korea|south korea|kosovo|kuwait|kyrgyzstan|laos|latvia|lebanon|lesotho|liberia|libya|liechtenstein|lithuania|luxembourg|madagascar|malawi|malaysia|maldives|mali|malta|mauritania|mauritius|mexico|micronesia|moldova|monaco|mongolia|montenegro|morocco|mozambique|myanmar|burma|namibia|nauru|nepal|netherlands|holland|new zealand|nicaragua|niger|nigeria|norway|oman|pakistan|palau|palestine|panama|papua new guinea|paraguay|peru|philippines|poland|portugal|qatar|romania|russia|rwanda|samoa|san marino|saudi arabia|senegal|serbia|seychelles|sierra leone|singapore|slovakia|slovenia|somalia|south africa|south sudan|spain|sri lanka|sudan|suriname|sweden|switzerland|syria|taiwan|tajikistan|tanzania|thailand|togo|tonga|trinidad|tunisia|turkey|turkmenistan|tuvalu|uganda|ukraine|united arab emirates|uae|uruguay|uzbekistan|vanuatu|vatican|venezuela|vietnam|yemen|zambia|zimbabwe|england|scotland|wales|northern ireland|britain|great britain|united kingdom|uk|u.k.|united states|united states of america|us|u.s.|usa|u.s.a.|america|europe|asia|africa|antarctica|australasia|oceania|north america|south america|latin america|middle east|gaza|west bank|crimea|donbas|donbass|balkans|caribbean|scandinavia|siberia|kashmir|tibet|hong kong|macau|chechnya|kurdistan|sahara|arctic|atlantic|pacific|mediterranean|baltic|alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota|mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|new mexico|new york|north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|rhode island|south carolina|south dakota|tennessee|texas|utah|vermont|virginia|west virginia|washington|wisconsin|wyoming|london|paris|berlin|madrid|rome|moscow|kyiv|kiev|beijing|tokyo|delhi|new delhi|mumbai|washington dc|washington d.c.|brussels|amsterdam|vienna|warsaw|prague|budapest|athens|lisbon|dublin|edinburgh|cardiff|belfast|glasgow|manchester|liverpool|birmingham|leeds|bristol|oxford|cambridge|stockholm|oslo|copenhagen|helsinki|geneva|zurich|bern|istanbul|ankara|tehran|baghdad|damascus|beirut|jerusalem|tel aviv|cairo|riyadh|dubai|doha|kabul|islamabad|karachi|lahore|dhaka|bangkok|jakarta|manila|seoul|pyongyang|shanghai|hong kong|singapore|sydney|melbourne|canberra|auckland|wellington|toronto|ottawa|montreal|vancouver|mexico city|havana|caracas|bogota|lima|santiago|buenos aires|brasilia|rio de janeiro|sao paulo|lagos|nairobi|johannesburg|cape town|addis ababa|khartoum|tripoli|tunis|algiers|rabat|casablanca|chicago|los angeles|san francisco|boston|philadelphia|houston|dallas|miami|atlanta|seattle|denver|phoenix|detroit|baltimore|las vegas|new orleans|san diego|cleveland|pittsburgh|minneapolis|st. louis|orlando|tampa|austin|nashville|sacramento|portland|brooklyn|manhattan|queens|bronx|hollywood|silicon valley|minsk|vilnius|riga|tallinn|kharkiv|odesa|odessa|mariupol|donetsk|luhansk|sevastopol|bucharest|sofia|belgrade|zagreb|sarajevo|skopje|tirana|chisinau|tbilisi|yerevan|baku|astana|tashkent|hanoi|taipei|kuala lumpur|colombo|kathmandu|lyon|marseille|munich|hamburg|frankfurt|cologne|milan|naples|barcelona|seville|valencia|porto|rotterdam|antwerp|gothenburg|salzburg|krakow|gdansk|diego garcia|chagos|chagos islands|falklands|gibraltar|greenland|panama canal|suez|normandy|bavaria|catalonia|flanders|wallonia|sicily|sardinia|corsica|quebec|ontario|alberta|british columbia|bolton|leicester|leicestershire|yorkshire|lancashire|kent|essex|surrey|sussex|devon|cornwall|somerset|hampshire|durham|nottingham|sheffield|newcastle|southampton|brighton|derby|coventry|middlesex|gloucestershire|warwickshire|worcestershire|nottinghamshire|derbyshire|northamptonshire|glamorgan|camden|westminster")
});

/// Nationalities, adjectives of place and groups of people: kind "group" (in CoNLL, MISC).
pub static DEMONYMS: LazyLock<HashMap<&str, &str>> = LazyLock::new(|| {
    let pairs = "american:united states|british:united kingdom|english:england|scottish:scotland|welsh:wales|irish:ireland|french:france|german:germany|italian:italy|spanish:spain|portuguese:portugal|dutch:netherlands|belgian:belgium|swiss:switzerland|austrian:austria|swedish:sweden|norwegian:norway|danish:denmark|finnish:finland|polish:poland|czech:czech republic|hungarian:hungary|romanian:romania|bulgarian:bulgaria|greek:greece|turkish:turkey|russian:russia|ukrainian:ukraine|belarusian:belarus|georgian:georgia|armenian:armenia|chinese:china|japanese:japan|korean:korea|indian:india|pakistani:pakistan|afghan:afghanistan|iranian:iran|iraqi:iraq|syrian:syria|israeli:israel|palestinian:palestine|lebanese:lebanon|egyptian:egypt|saudi:saudi arabia|libyan:libya|nigerian:nigeria|kenyan:kenya|ethiopian:ethiopia|south african:south africa|australian:australia|canadian:canada|mexican:mexico|brazilian:brazil|argentine:argentina|argentinian:argentina|colombian:colombia|venezuelan:venezuela|cuban:cuba|chilean:chile|peruvian:peru|european:europe|african:africa|asian:asia|arab:arab|latino:latino|hispanic:hispanic|western:west|eastern:east|soviet:soviet union|yugoslav:yugoslavia|serbian:serbia|croatian:croatia|bosnian:bosnia|albanian:albania|kosovar:kosovo|slovak:slovakia|slovenian:slovenia|lithuanian:lithuania|latvian:latvia|estonian:estonia|moldovan:moldova|kazakh:kazakhstan|uzbek:uzbekistan|vietnamese:vietnam|thai:thailand|indonesian:indonesia|filipino:philippines|malaysian:malaysia|taiwanese:taiwan|north korean:north korea|south korean:south korea|new zealander:new zealand|icelandic:iceland|transatlantic:transatlantic|anglo:anglo|muslim:muslim|christian:christian|jewish:jewish|catholic:catholic|islamic:islamic|democratic:democratic|republican:republican|conservative:conservative|liberal:liberal|socialist:socialist|communist:communist|kurdish:kurdish|sunni:sunni|shia:shia|shiite:shiite|texan:texas|californian:california|londoner:london|parisian:paris|britons:united kingdom|americans:united states|europeans:europe|russians:russia|ukrainians:ukraine";
    pairs.split('|').filter_map(|p| p.split_once(':')).collect()
});

/// Common given names: a capitalised word here before another marks a person.
pub static GIVEN_NAMES: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("aaron|adam|adrian|ahmed|alan|albert|alex|alexander|alexandra|alexei|ali|alice|alicia|alison|amanda|amy|andrea|andrew|andy|angela|angelina|ann|anna|anne|anthony|antonio|arthur|ashley|barack|barbara|barry|ben|benjamin|bernie|beth|betty|bill|billy|bob|bobby|boris|brad|brandon|brenda|brian|bruce|carl|carlos|carol|caroline|catherine|charles|charlie|chris|christian|christine|christopher|chuck|claire|colin|craig|cynthia|dan|daniel|danny|dave|david|dean|deborah|debbie|denis|dennis|diana|diane|dick|dmitry|dominic|don|donald|donna|doug|douglas|ed|eddie|edward|elizabeth|ellen|elon|emily|emma|emmanuel|eric|erin|frank|fred|gary|gavin|george|gerald|gordon|grace|greg|gregory|hannah|harold|harry|heather|helen|henry|hillary|howard|hugh|ian|isabel|jack|jacob|james|jamie|jane|janet|jason|jean|jeb|jeff|jeffrey|jennifer|jeremy|jerry|jessica|jill|jim|jimmy|joan|joe|joel|john|johnny|jon|jonathan|jose|joseph|josh|joshua|juan|judy|julia|julian|julie|justin|karen|kate|katherine|kathleen|kathy|keir|keith|kelly|ken|kenneth|kevin|kim|kirk|kristen|larry|laura|lauren|lee|leo|linda|lindsay|lindsey|lisa|liz|louis|louise|lucy|luis|luke|marco|margaret|maria|marie|mario|mark|martin|mary|matt|matthew|megan|melania|melissa|michael|michelle|mike|mitch|mitt|mohammed|muhammad|nancy|natalie|nathan|neil|nicholas|nick|nicola|nicole|nigel|olaf|oliver|olivia|pamela|pat|patricia|patrick|paul|peter|phil|philip|rachel|ralph|randy|ray|raymond|rebecca|richard|rick|rishi|rob|robert|robin|roger|ron|ronald|rose|roy|russell|ruth|ryan|sadiq|sally|sam|samuel|sandra|sara|sarah|scott|sean|sergei|sharon|shirley|simon|sophie|stephen|steve|steven|susan|suzanne|ted|terry|theresa|thomas|tim|timothy|tina|todd|tom|tony|tracy|valerie|vanessa|victor|victoria|vince|vincent|virginia|vladimir|volodymyr|walter|wayne|wendy|william|xi|yvonne|zach|jair|recep|narendra|benjamin|angela|emmanuel|justin|jacinda|giorgia|pedro|olaf|ursula|antonio|kamala|joe|jd|rudy|marco|ted|rand|nikki|ron|vivek|chris|lindsey|mitch|nancy|chuck|kevin|adam|elizabeth|alexandria|ilhan|rashida|bernie|pete|beto|cory|kirsten|amy|tulsi|jared|ivanka|eric|tiffany|barron|melania|kellyanne|sean|reince|steve|stephen|rex|mike|jeff|jim|john|paul|tim|kaine|huma|robby|jennifer|donna|debbie|wasserman|sheldon|corey|newt|rudy|carly|ben|jeb|marco|scott|rick|bobby|lindsey|george|laura|michelle|malia|sasha|hunter|jill")
});

/// Capitalised words that are not names when they stand alone or open a phrase.
pub static CAP_STOPWORDS: LazyLock<HashSet<&str>> = LazyLock::new(|| {
    set("the|a|an|and|or|but|nor|so|yet|for|of|in|on|at|to|by|from|with|without|as|if|when|while|after|before|since|until|because|though|although|however|meanwhile|moreover|furthermore|also|still|then|now|here|there|this|that|these|those|it|its|he|she|they|we|i|you|his|her|their|our|my|your|him|them|us|me|who|what|which|where|why|how|yes|no|not|all|some|many|most|more|less|few|several|each|every|any|both|either|neither|one|two|three|four|five|six|seven|eight|nine|ten|first|second|third|last|next|new|old|despite|following|alongside|beyond|speaking|ahead|during|under|over|about|against|between|among|through|into|onto|upon|within|according|asked|said|says|mr|mrs|ms|dr|sir|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|today|yesterday|tomorrow|tonight|breaking|update|updated|exclusive|watch|read|live|photo|video|opinion|analysis|editorial|comment|advertisement|sponsored|related|share|click|subscribe|please|thank|thanks|dear|oh|well|just|even|only|perhaps|maybe|indeed|instead|otherwise|already|again|once|twice|do|does|did|is|are|was|were|be|been|being|have|has|had|will|would|can|could|should|shall|might|must|let|lets|whether|such|other|another|same|own|very|much|too|often|never|always|sometimes|ever|soon|later|earlier|finally|eventually|recently|currently|previously|initially|overall|together|nevertheless|nonetheless|thus|therefore|hence|accordingly|instead|rather|else|like|unlike|around|across|along|behind|below|above|near|off|out|up|down|via|per|amid|amidst|toward|towards|throughout|regarding|concerning|including|excluding|given|pm|am|gdp|ai|ceo|tv|dna|faq|pdf|st|de|van|von|del|la|le")
});

/// Lower-case a word and map curly apostrophes to straight ones.
pub fn fold(w: &str) -> String {
    w.replace('’', "'").to_lowercase()
}

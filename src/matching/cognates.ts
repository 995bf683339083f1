/**
 * One name in the languages harbour's children come with: the Abrahamic names that Arabic,
 * Hebrew, Tigrinya and Amharic, Persian, Turkish, Greek, Slavic and English each write their own
 * way ("Yusuf", "Yosef" and "Joseph"; "Dawit" and "David"; "Yonas", "Yunus" and "Jonah"). No
 * spelling rule joins them, and a child recorded by the Home Office under one form is recorded by
 * a school under another.
 *
 * Membership is by the folded spelling listed (common spellings are listed; others still meet
 * these as ordinary variants): a rule as loose as the variant key would pull "Mario" in with
 * "Maryam". Left out: European forms of one another (Peter/Pyotr, John/Ivan/Johann,
 * Maria/Marie), which are given as names of their own; "Jan", also a Persian and Pashto name part;
 * Musa/Moses, where Musa's spellings already meet as variants and a record of "Moses" for a
 * Musa is rare.
 */
const GROUPS: readonly (readonly string[])[] = [
  ['abraham', 'ibrahim', 'ibrahem', 'brahim', 'avraham', 'avrohom', 'abrham'],
  ['isaac', 'isak', 'isaak', 'izak', 'ishaq', 'ishak', 'yitzhak', 'yitzchak', 'itzhak', 'yitshak', 'yishak', 'yisak'],
  ['jacob', 'yaqub', 'yaqoob', 'yakub', 'yacob', 'yakob', 'jakub', 'yaakov', 'yakov', 'jakov', 'iakov'],
  ['joseph', 'yusuf', 'yousef', 'youssef', 'yusef', 'yosef', 'yoseph', 'yosief', 'josef', 'iosif', 'jose', 'giuseppe'],
  ['john', 'yohannes', 'yohanes', 'yochanan', 'yahya'],
  ['mary', 'maryam', 'mariam', 'mariyam', 'miriam', 'meryem'],
  ['david', 'dawit', 'dawud', 'dawood', 'daoud', 'daud', 'davud', 'davit', 'dovid'],
  ['solomon', 'sulayman', 'suleiman', 'sulaiman', 'suleyman', 'sleiman', 'shlomo', 'selemon'],
  ['jonah', 'yunus', 'younis', 'yunis', 'younes', 'yonas', 'jonas', 'yona', 'yonah'],
  ['elijah', 'ilyas', 'iliyas', 'elias', 'elyas', 'ilias', 'eliyahu', 'ilya'],
  ['aaron', 'harun', 'haroun', 'haron', 'aharon', 'aron'],
  ['michael', 'mikael', 'mikhail', 'mikail', 'michail', 'mikhael', 'mikheil', 'mihail', 'mickael'],
  ['gabriel', 'jibril', 'jibreel', 'gebriel', 'gavriel', 'gabril'],
  ['daniel', 'danial', 'daniyal', 'daniil', 'daniele'],
  ['samuel', 'shmuel', 'samuil', 'samwel'],
  ['simon', 'simeon', 'shimon', 'simeone', 'shamoun', 'chamoun'],
  ['joshua', 'yehoshua', 'yeshua', 'yusha'],
  ['judah', 'yehuda', 'yehudah', 'juda'],
  ['zachariah', 'zechariah', 'zacharias', 'zakariya', 'zakariyya', 'zakaria', 'zekarias', 'zakhar'],
  ['noah', 'nuh', 'noach', 'noe'],
  ['job', 'ayub', 'ayoub', 'ayyub', 'eyob', 'iyov', 'iov'],
  ['matthew', 'mattewos', 'matewos', 'matvei', 'matvey', 'matteo', 'mateo', 'mateusz', 'mathieu'],
  ['philip', 'phillip', 'filipos', 'filip', 'felipe', 'filippo', 'philippe'],
  ['philemon', 'filmon', 'filemon'],
  ['ishmael', 'ismail', 'ismael', 'ismayil', 'esmail', 'ismoil', 'yishmael'],
  ['eve', 'eva', 'hawa', 'hawwa', 'havva', 'chava'],
  ['benjamin', 'binyamin', 'binyomin', 'biniam', 'biniyam', 'veniamin', 'bunyamin'],
  ['jonathan', 'yonatan', 'yehonatan', 'jonatan'],
  ['emmanuel', 'immanuel', 'emanuel', 'amanuel'],
  ['jared', 'yared'],
  ['eleazar', 'lazarus', 'lazar', 'alazar'],
  ['gideon', 'gedeon', 'gedewon'],
  ['nahum', 'nahom', 'nachum'],
  ['ephraim', 'efrem', 'ephrem', 'efrayim'],
  ['enoch', 'henok', 'hanok', 'hanoch'],
  ['reuben', 'robel', 'ruben', 'rouben'],
  ['abel', 'habil', 'hevel'],
];

const GROUP_OF = new Map<string, string>();
for (const group of GROUPS) {
  for (const name of group) {
    if (GROUP_OF.has(name)) throw new Error(`cognates: "${name}" is listed twice`);
    GROUP_OF.set(name, group[0]!);
  }
}

/** The name (its English form) that a folded name token is a form of, if it is listed. */
export function cognateOf(token: string): string | null {
  return GROUP_OF.get(token) ?? null;
}

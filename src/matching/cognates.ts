/**
 * One name in the languages harbour's children come with: the Abrahamic names that Arabic,
 * Hebrew, Tigrinya and Amharic, Persian, Turkish, Greek, Slavic and English each write their own
 * way ("Yusuf", "Yosef" and "Joseph"; "Dawit" and "David"; "Yonas", "Yunus" and "Jonah"). No
 * spelling rule joins them, and a child recorded by the Home Office under one form is recorded by
 * a school under another.
 *
 * Ukrainian and Russian forms of one name are listed too ("Mykola"/"Nikolai",
 * "Yevhen"/"Yevgeni", "Oleksiy"/"Aleksei"): a Ukrainian child's documents give one, a record
 * made through Russian the other. So are Irish and Welsh names and the English spellings of
 * their sound ("Sean"/"Shaun", "Rhys"/"Reece", "Niamh"/"Neve"): a child moved between areas is
 * written down by ear.
 *
 * Membership is by sound form (`soundForm`) of a listed spelling, so "Yaacov" is "Yakov" and
 * "Yossef" is "Yosef"; a rule as loose as the variant key would pull "Mario" in with "Maryam".
 * Left out: European forms of one another (Peter/Pyotr, John/Ivan/Johann, Maria/Marie), which
 * are given as names of their own; "Jan", also a Persian and Pashto name part.
 */
import { soundForm } from './normalise';

const GROUPS: readonly (readonly string[])[] = [
  ['abraham', 'ibrahim', 'ibrahem', 'brahim', 'avraham', 'avrohom', 'avrom', 'avrum', 'abrham'],
  ['isaac', 'isak', 'isaak', 'izak', 'ishaq', 'ishak', 'yitzhak', 'yitzchak', 'yitzchok', 'itzhak', 'yitshak', 'yishak', 'yisak'],
  ['jacob', 'yaqub', 'yaqoob', 'yakub', 'yacob', 'yakob', 'jakub', 'yaakov', 'yakov', 'jakov', 'iakov'],
  ['joseph', 'yusuf', 'yousef', 'youssef', 'yusef', 'yosef', 'yoseph', 'yosief', 'josef', 'iosif', 'jose', 'giuseppe'],
  ['john', 'yohannes', 'yohanes', 'yochanan', 'yahya'],
  ['mary', 'maryam', 'mariam', 'mariyam', 'miriam', 'meryem'],
  ['david', 'dawit', 'dawud', 'dawood', 'daoud', 'daud', 'davud', 'davit', 'dovid', 'dafydd'],
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
  // Tigrinya "Mussie" is Moses.
  ['moses', 'moshe', 'mosheh', 'moishe', 'moyshe', 'musa', 'mousa', 'moussa', 'mussie', 'musie'],
  ['rebecca', 'rebekah', 'rivka', 'rifka', 'rebeka', 'rebeca'],
  ['deborah', 'devorah', 'dvora', 'debora'],
  ['ezekiel', 'yehezkel', 'yechezkel', 'ezechiel', 'hizqil'],
  ['nathan', 'natan', 'nosson'],
  ['rachel', 'rahel', 'rakhel', 'rochel', 'rakhil'],
  ['isaiah', 'yeshayahu', 'isaias', 'esayas', 'ishaya'],
  ['manasseh', 'menasseh', 'menashe'],
  ['phinehas', 'pinchas', 'pinhas'],
  ['chaim', 'hayim', 'hayyim', 'chayim', 'khaim'],
  ['mykola', 'mykolai', 'nikolai', 'nikolay', 'nikolaj', 'nicolai', 'nikola'],
  ['yevhen', 'yevgeni', 'yevgeniy', 'yevgeny', 'evgeni', 'evgeniy', 'evgeny', 'jewgeni'],
  ['oleksiy', 'oleksii', 'aleksei', 'alexei', 'aleksey', 'alexey', 'aleksej', 'alexios'],
  ['volodymyr', 'vladimir', 'wladimir', 'uladzimir'],
  ['hryhoriy', 'hryhorii', 'grigori', 'grigoriy', 'grigory'],
  ['petro', 'pyotr', 'petr'],
  ['fedir', 'fyodor', 'fedor'],
  ['nadiya', 'nadezhda'],
  // Irish and Welsh names and the English spellings of their sound.
  ['sean', 'shaun', 'shawn'],
  ['rhys', 'reece', 'reese', 'rees'],
  ['niamh', 'neve', 'neave', 'nieve'],
  ['siobhan', 'shivaun', 'shevaun', 'chevonne'],
  ['eoin', 'eoghan', 'owen', 'owain'],
  ['ciaran', 'kieran', 'kieron', 'keiran'],
  ['cian', 'kian'],
  ['aodhan', 'aidan', 'aiden'],
  ['caoimhe', 'keeva'],
  ['saoirse', 'seersha', 'sersha'],
  ['sinead', 'shinead'],
  ['cerys', 'kerys'],
  // French Aimée, English Amy.
  ['aimee', 'amy', 'amie'],
];

const GROUP_OF = new Map<string, string>();
for (const group of GROUPS) {
  for (const name of group) {
    const sound = soundForm(name);
    const listed = GROUP_OF.get(sound);
    if (listed !== undefined && listed !== group[0]) throw new Error(`cognates: "${name}" sounds like a name of the ${listed} group`);
    GROUP_OF.set(sound, group[0]!);
  }
}

/** The name (its English or first listed form) that a folded name token is a form of, if it is listed. */
export function cognateOf(token: string): string | null {
  return GROUP_OF.get(soundForm(token)) ?? null;
}

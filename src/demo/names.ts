/**
 * Synthetic name material for the demo generator. Invented combinations of common names; the
 * variants are the kinds of difference real records show (transliteration, order, particles).
 */
export type Origin = 'VIETNAMESE' | 'ALBANIAN' | 'ERITREAN' | 'AFGHAN' | 'ARABIC' | 'KURDISH' | 'UK';

export interface OriginSpec {
  nationality: string;
  male: string[];
  female: string[];
  family: string[];
  /** Spelling variants a record may use instead. */
  variants: Record<string, string[]>;
  /** Family name written first on some records (Vietnamese). */
  familyFirst?: boolean;
  /** Given + father's + grandfather's names, no family name (Eritrean/Tigrinya). */
  patronymic?: boolean;
  /** Particles some records drop or join (al-, abu, bin). */
  particles?: string[];
}

export const ORIGINS: Record<Origin, OriginSpec> = {
  VIETNAMESE: {
    nationality: 'VNM', familyFirst: true,
    male: ['Anh', 'Minh', 'Duc', 'Huy', 'Tuan', 'Quang', 'Long', 'Khanh'], female: ['Linh', 'Thu', 'Lan', 'Mai', 'Hoa', 'Ngoc', 'Trang'],
    family: ['Nguyen', 'Tran', 'Le', 'Pham', 'Hoang', 'Vu', 'Dang', 'Bui'],
    variants: { Nguyen: ['Nguyễn', 'Nguyen Van', 'Ngyuen'], Tran: ['Trần', 'Tranh'], Duc: ['Đức', 'Duk'], Anh: ['Van Anh', 'Ahn'], Pham: ['Phạm', 'Fam'] },
  },
  ALBANIAN: {
    nationality: 'ALB',
    male: ['Arben', 'Ermal', 'Klodian', 'Endrit', 'Besnik', 'Dritan'], female: ['Elira', 'Besa', 'Arta', 'Drita'],
    family: ['Hoxha', 'Shehu', 'Krasniqi', 'Gashi', 'Berisha', 'Dervishi'],
    variants: { Hoxha: ['Hodja', 'Hoxa'], Krasniqi: ['Krasniqui', 'Krasnici'], Endrit: ['Endri'] },
  },
  ERITREAN: {
    nationality: 'ERI', patronymic: true,
    male: ['Yonas', 'Tesfay', 'Dawit', 'Filmon', 'Samuel', 'Biniam'], female: ['Mariam', 'Helen', 'Selam', 'Hiwet', 'Senait'],
    family: ['Tesfaye', 'Haile', 'Gebremedhin', 'Kidane', 'Berhane', 'Ghebreyesus', 'Woldemariam'],
    variants: { Tesfaye: ['Tesfay', 'Tesfai'], Gebremedhin: ['Ghebremedhin', 'Gebremehdin'], Mariam: ['Meriam', 'Maryam'], Haile: ['Hayle'], Yonas: ['Jonas', 'Yonatan'] },
  },
  AFGHAN: {
    nationality: 'AFG',
    male: ['Ahmad', 'Mohammad', 'Hamid', 'Farid', 'Jawad', 'Naveed', 'Sami'], female: ['Parwana', 'Zahra', 'Fatima', 'Nazia'],
    family: ['Karimi', 'Ahmadi', 'Rahimi', 'Hakimi', 'Noori', 'Sultani', 'Popal'],
    variants: { Mohammad: ['Mohammed', 'Muhammad', 'Mohamad'], Ahmadi: ['Ahmady'], Karimi: ['Kareemi'], Noori: ['Nouri', 'Nuri'] },
  },
  ARABIC: {
    nationality: 'SDN', particles: ['al', 'abu', 'bin'],
    male: ['Omar', 'Yousef', 'Ibrahim', 'Khalid', 'Mustafa', 'Abdullah'], female: ['Amira', 'Huda', 'Salma', 'Nour'],
    family: ['Hassan', 'Abdelrahman', 'Osman', 'Mahmoud', 'Suleiman', 'Bashir'],
    variants: { Yousef: ['Yusuf', 'Youssef'], Abdelrahman: ['Abdul Rahman', 'Abdulrahman', 'Abd al-Rahman'], Osman: ['Othman', 'Uthman'], Mustafa: ['Mostafa'] },
  },
  KURDISH: {
    nationality: 'IRQ',
    male: ['Kawa', 'Rebwar', 'Aram', 'Dilshad', 'Karwan'], female: ['Rezan', 'Shilan', 'Nasrin', 'Avin'],
    family: ['Ahmed', 'Rashid', 'Aziz', 'Mahmud', 'Qadir', 'Faraj'],
    variants: { Qadir: ['Kadir', 'Qader'], Rebwar: ['Rebwer'], Mahmud: ['Mahmood'] },
  },
  UK: {
    nationality: 'GBR',
    male: ['Jack', 'Oliver', 'Harry', 'Kyle', 'Callum', 'Tyler'], female: ['Chloe', 'Amelia', 'Jade', 'Megan'],
    family: ['Smith', 'Jones', 'Taylor', 'Brown', 'Walker', 'Wright', 'Evans'],
    variants: { Smith: ['Smyth'], Walker: ['Walke'], Callum: ['Calum'], Megan: ['Meghan'] },
  },
};

export const ORIGIN_WEIGHTS: [Origin, number][] = [['VIETNAMESE', 3], ['ALBANIAN', 2], ['ERITREAN', 2], ['AFGHAN', 2], ['ARABIC', 2], ['KURDISH', 1], ['UK', 2]];

// Zhang, Zhang & Chen (2004): 15 customers (income, education, age, children, housing m²; class).
// Education coded bachelor 1, master 2, doctor 3, postdoc 3.6; each column divided by its maximum.
const EDUCATION = { bachelor: 1, master: 2, doctor: 3, postdoc: 3.6 } as const;
type Education = keyof typeof EDUCATION;

const RAW: [number, Education, number, number, number, 'high' | 'low'][] = [
  [6000, 'bachelor', 35, 0, 80, 'low'],
  [8000, 'master', 34, 1, 120, 'low'],
  [9000, 'doctor', 38, 1, 150, 'high'],
  [10000, 'master', 45, 1, 140, 'high'],
  [15000, 'postdoc', 39, 1, 135, 'high'],
  [9000, 'bachelor', 40, 2, 110, 'low'],
  [7000, 'bachelor', 45, 1, 100, 'low'],
  [12000, 'doctor', 45, 1, 180, 'high'],
  [7000, 'master', 40, 1, 110, 'low'],
  [8000, 'master', 35, 0, 120, 'high'],
  [13000, 'bachelor', 38, 1, 140, 'high'],
  [8000, 'master', 30, 0, 130, 'high'],
  [8500, 'doctor', 32, 1, 120, 'low'],
  [6500, 'master', 34, 1, 110, 'low'],
  [9500, 'postdoc', 35, 1, 135, 'high'],
];

const coded = RAW.map(([income, edu, age, children, m2]) => [income, EDUCATION[edu], age, children, m2]);
const MAX = coded[0].map((_, j) => Math.max(...coded.map((r) => r[j])));

export function zhangRow(income: number, education: Education, age: number, children: number, m2: number): number[] {
  return [income, EDUCATION[education], age, children, m2].map((v, j) => v / MAX[j]);
}

export const ZHANG_CUSTOMERS = {
  X: coded.map((r) => r.map((v, j) => v / MAX[j])),
  y: RAW.map((r) => (r[5] === 'high' ? 1 : 0)),
};

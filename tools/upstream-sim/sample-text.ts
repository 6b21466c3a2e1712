/** Word lists for the generated schedule data; some entries are deliberately non-ASCII. */

export const FIRST_NAMES = [
  'Ana',
  'Mike',
  'Li',
  'Jordan',
  'Zoë',
  'José',
  'Łukasz',
  'Priya',
  'Chloé',
  'Søren',
  'Björn',
  'Renée',
  'Emily',
  'Carlos',
  'Fatima',
  'Olga',
  'Kwame',
  'Hannah',
  'Mateo',
  'Siobhán',
  'Tomás',
  'Grace',
  'Dmitri',
  'Aaliyah',
] as const;

export const LAST_NAMES = [
  'Souza',
  "O'Neil",
  'Wei',
  'Lee',
  'Müller',
  'García',
  'Kowalski',
  'Nowak',
  'Brontë',
  'Smith',
  'Johnson',
  'Dvořák',
  'Ødegaard',
  'Nguyen',
  'Okafor',
  'Fernández',
  'Schäfer',
  'Patel',
  'Williams',
  'Jean-Baptiste',
  'Łęcka',
  'Brown',
] as const;

export const BUSINESS_NAMES = [
  'Acme Dental',
  'Riverside Law Group',
  'Café Olé',
  'Blue Ridge Pediatrics',
  'Summit Realty',
  'Nordic Yoga Studio',
  'Crème de la Crème Bakery',
] as const;

export const STREETS = [
  'Maple Ave',
  'Ridge Rd',
  'Main St',
  'Oak St',
  'Elm Dr',
  'Lakeview Blvd',
  'Cedar Ln',
  'Sunset Way',
  'Hickory Ct',
  'Park Pl',
] as const;

export const CITIES: readonly { city: string; state: string; zip: string; area: string }[] = [
  { city: 'Dayton', state: 'OH', zip: '45402', area: '937' },
  { city: 'Kettering', state: 'OH', zip: '45429', area: '937' },
  { city: 'Austin', state: 'TX', zip: '78701', area: '512' },
  { city: 'Round Rock', state: 'TX', zip: '78664', area: '512' },
  { city: 'Boise', state: 'ID', zip: '83702', area: '208' },
  { city: 'Asheville', state: 'NC', zip: '28801', area: '828' },
  { city: 'Santa Fe', state: 'NM', zip: '87501', area: '505' },
];

export const SERVICE_SETS: readonly { id: number; name: string; type: string }[] = [
  { id: 2, name: 'Office Clean', type: 'Commercial' },
  { id: 3, name: 'Post-Construction Clean', type: 'Commercial' },
  { id: 11, name: 'Standard Clean', type: 'Residential' },
  { id: 12, name: 'Deep Clean', type: 'Residential' },
  { id: 14, name: 'Recurring Clean - Biweekly', type: 'Residential' },
  { id: 15, name: 'Move-out Clean', type: 'Residential' },
  { id: 16, name: 'Recurring Clean - Weekly', type: 'Residential' },
  { id: 21, name: 'Window Washing', type: 'Residential' },
];

export const TEAM_COLORS: readonly { name: string; color: string }[] = [
  { name: 'Blue Team', color: '#1f6feb' },
  { name: 'Red Team', color: '#d73a49' },
  { name: 'Green Team', color: '#2da44e' },
  { name: 'Orange Team', color: '#fb8500' },
  { name: 'Purple Team', color: '#8250df' },
  { name: 'Teal Team', color: '#0a9396' },
  { name: 'Gold Team', color: '#e9c46a' },
  { name: 'Gray Team', color: '#6e7781' },
  { name: 'Pink Team', color: '#bf3989' },
  { name: 'Navy Team', color: '#0b2545' },
];

export const JOB_STATUSES = ['Scheduled', 'Scheduled', 'Confirmed', 'InProgress', 'Completed'];

export const ACCESS_INFO = [
  'Key under mat; alarm 4821',
  'Lockbox 0077',
  'Garage code 1934#',
  'Call on arrival, dog in yard',
  'Front desk has key; sign in at security',
  'Side gate code 5512, alarm off until 3 pm',
];

export const INTERNAL_MEMOS = [
  'Customer disputed last invoice',
  'Pays by check only',
  'Late payer — collect before starting',
  'Do not assign new hires',
  'Complained about streaks on windows (May)',
  'Owner is the landlord\'s brother; be "extra" careful',
];

export const NOTES: readonly { type: string; text: string }[] = [
  { type: 'Job', text: 'Bring extra microfiber cloths' },
  { type: 'Home', text: 'Use side entrance' },
  { type: 'Job', text: 'Focus on kitchen and bathrooms' },
  { type: 'Customer', text: 'Please text on arrival 🙂' },
  { type: 'Home', text: 'Shoes off inside — "no exceptions"' },
  { type: 'Job', text: 'Fridge clean-out add-on' },
  { type: 'Home', text: "Cat hides under the bed, don't let it out" },
];

export const JOB_TAGS = ['Pets', 'Commercial', 'Add-on', 'First Visit', 'Key Pickup', 'Eco'];
export const HOME_TAGS = ['Stairs', 'Large Home', 'No Parking', 'Hardwood', 'Pool'];
export const CUSTOMER_TAGS = ['VIP', 'Referral', 'Prepaid', 'Senior Discount'];
export const DISCOUNT_NAMES = ['Loyalty', 'First Clean', 'Referral', 'Senior', 'Coupon 10% Off'];

/** ASCII-only slug of a name, for e-mail addresses. */
export function asciiSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[Łł]/g, 'l')
    .replace(/[Øø]/g, 'o')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

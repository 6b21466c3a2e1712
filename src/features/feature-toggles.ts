/** What a company lets its technicians see; the legacy portal's setting names. */
export interface FeatureToggles {
  readonly TechDashboard_DisplayBillRate: boolean;
  readonly TechDashboard_DisplayFeeSplitRate: boolean;
  readonly TechDashboard_DisplayAddOnRate: boolean;
  readonly TechDashboard_DisplayRoomRate: boolean;
  readonly TechDashboard_DisplayCustomerPhoneNumbers: boolean;
  readonly TechDashboard_DisplayCustomerEmails: boolean;
  readonly TechDashboard_HideDiscounts: boolean;
}

export type FeatureToggleName = keyof FeatureToggles;

export const FEATURE_TOGGLE_NAMES: readonly FeatureToggleName[] = [
  'TechDashboard_DisplayBillRate',
  'TechDashboard_DisplayFeeSplitRate',
  'TechDashboard_DisplayAddOnRate',
  'TechDashboard_DisplayRoomRate',
  'TechDashboard_DisplayCustomerPhoneNumbers',
  'TechDashboard_DisplayCustomerEmails',
  'TechDashboard_HideDiscounts',
];

/** A company that never configured toggles (or whose toggles cannot be read): privacy first. */
export const DEFAULT_FEATURE_TOGGLES: FeatureToggles = Object.freeze({
  TechDashboard_DisplayBillRate: false,
  TechDashboard_DisplayFeeSplitRate: false,
  TechDashboard_DisplayAddOnRate: false,
  TechDashboard_DisplayRoomRate: false,
  TechDashboard_DisplayCustomerPhoneNumbers: false,
  TechDashboard_DisplayCustomerEmails: false,
  TechDashboard_HideDiscounts: true,
});

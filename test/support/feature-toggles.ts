import { FeatureToggles } from '../../src/features/feature-toggles';

/** The opposite of the privacy-first defaults: every field shown, discounts too. */
export const SHOW_ALL_TOGGLES: FeatureToggles = {
  TechDashboard_DisplayBillRate: true,
  TechDashboard_DisplayFeeSplitRate: true,
  TechDashboard_DisplayAddOnRate: true,
  TechDashboard_DisplayRoomRate: true,
  TechDashboard_DisplayCustomerPhoneNumbers: true,
  TechDashboard_DisplayCustomerEmails: true,
  TechDashboard_HideDiscounts: false,
};

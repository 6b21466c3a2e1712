import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { FeatureToggles } from './feature-toggles';

const Toggle = (description: string): PropertyDecorator =>
  applyDecorators(ApiProperty({ type: Boolean, description }), IsBoolean());

/** A PUT replaces every toggle: all seven are required, each a JSON boolean. */
export class FeatureTogglesDto implements FeatureToggles {
  @Toggle('Technicians see BillRate.')
  readonly TechDashboard_DisplayBillRate!: boolean;

  @Toggle('Technicians see FeeSplitRate.')
  readonly TechDashboard_DisplayFeeSplitRate!: boolean;

  @Toggle('Technicians see AddOnRate.')
  readonly TechDashboard_DisplayAddOnRate!: boolean;

  @Toggle('Technicians see RoomRate.')
  readonly TechDashboard_DisplayRoomRate!: boolean;

  @Toggle('Technicians see the customer contact infos of Type "Phone".')
  readonly TechDashboard_DisplayCustomerPhoneNumbers!: boolean;

  @Toggle('Technicians see the customer contact infos of Type "Email".')
  readonly TechDashboard_DisplayCustomerEmails!: boolean;

  @Toggle('Technicians do not see Discounts.')
  readonly TechDashboard_HideDiscounts!: boolean;
}

import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/principal';
import { CompanyFeatureToggles, FeatureTogglesService } from '../features/feature-toggles.service';
import { DocumentView } from './schedule.service';
import { technicianView } from './technician-view';

type Technician = Extract<Principal, { role: 'technician' }>;

/** What a caller may see of a company's document: all of it, or a technician's view. */
@Injectable()
export class ScheduleViews {
  constructor(private readonly toggles: FeatureTogglesService) {}

  async for(principal: Principal): Promise<DocumentView | undefined> {
    if (principal.role !== 'technician') {
      return undefined;
    }
    return technician(principal, await this.toggles.get(principal.companyId));
  }
}

function technician(
  principal: Technician,
  { toggles, version }: CompanyFeatureToggles,
): DocumentView {
  const { employeeId } = principal;
  return {
    // A toggles change gives new views; old ones age out of the LRU.
    id: `technician/${employeeId}/${version}`,
    render: (document) => technicianView(document, employeeId, toggles).body,
  };
}

import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/principal';
import { CompanyFeatureToggles, FeatureTogglesService } from '../features/feature-toggles.service';
import { DocumentView } from './schedule.service';
import { technicianView } from './technician-view';

/** Which view of a company's document a caller gets; `view` undefined means all of it. */
export interface ViewChoice {
  readonly view: DocumentView | undefined;
}

type Technician = Extract<Principal, { role: 'technician' }>;

const WHOLE_DOCUMENT: ViewChoice = { view: undefined };

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

  /** The choice when it needs nothing that is not in memory; else undefined. */
  known(principal: Principal): ViewChoice | undefined {
    if (principal.role !== 'technician') {
      return WHOLE_DOCUMENT;
    }
    const toggles = this.toggles.known(principal.companyId);
    return toggles && { view: technician(principal, toggles) };
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

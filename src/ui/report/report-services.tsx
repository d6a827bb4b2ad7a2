import { createContext, useContext, type ReactNode } from 'react';

/** What the report features need from outside the store: the open model's hash (its bytes stay in the registry). */
export interface ReportServices {
  modelSha256(modelId: string): Promise<string>;
}

const ReportServicesContext = createContext<ReportServices | null>(null);

export function ReportServicesProvider({ value, children }: { value: ReportServices; children: ReactNode }) {
  return <ReportServicesContext.Provider value={value}>{children}</ReportServicesContext.Provider>;
}

/** The report services, or null where none are provided (then the export bar is not shown). */
export function useReportServices(): ReportServices | null {
  return useContext(ReportServicesContext);
}

import { createContext, useContext } from "react";
import type { Api } from "./api";

export const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi outside <ApiContext.Provider>");
  return api;
}

/** Screens report failures here; the app shows them in the one error banner. */
export const ReportErrorContext = createContext<(e: unknown) => void>(() => {});
export const useReportError = () => useContext(ReportErrorContext);

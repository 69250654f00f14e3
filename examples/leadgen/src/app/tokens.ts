import type { Clock, Logger } from "@messenger-ts/core";
import type { InjectionToken } from "tsyringe";
import type { DomainStore } from "../store/domain-store.js";
import type { LeadgenSettings } from "./leadgen-settings.js";

/** Injection tokens for what the services get that is not a class (interfaces erase at run time). */
export const DOMAIN_STORE: InjectionToken<DomainStore> = "leadgen.DomainStore";
export const LEADGEN_SETTINGS: InjectionToken<LeadgenSettings> = "leadgen.Settings";
export const CLOCK: InjectionToken<Clock> = "leadgen.Clock";
export const LOGGER: InjectionToken<Logger> = "leadgen.Logger";

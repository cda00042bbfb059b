import type { ExtraRules } from '../protocol/input-validator.js';
import type { HandlerTable } from './call-context.js';

export const subnetHandlers: HandlerTable = {};

export const subnetRules: ExtraRules = {};

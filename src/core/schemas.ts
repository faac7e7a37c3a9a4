import { z } from 'zod';

/** A TCP port; 0 means "choose one". */
export const portNumber = () => z.number().int().min(0).max(65535);

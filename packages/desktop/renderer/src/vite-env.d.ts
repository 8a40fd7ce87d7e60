/// <reference types="vite/client" />
/** True only under `npm run dev` without PHOTO_SCORE_API: the UI then runs on src/api/mock.ts. */
declare const __USE_MOCK__: boolean;

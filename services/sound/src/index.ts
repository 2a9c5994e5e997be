export { type AudioTools, describeCue, detectTools, missingTools, renderCue } from './audio.ts';
export { Limiter, TokenBucket } from './limiter.ts';
export { createSoundService, runSound } from './main.ts';
export { type Cue, cueFor, DEFAULT_SOUNDS, loadSounds, SoundMappingError, summaryCue } from './mapping.ts';

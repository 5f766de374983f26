// The domain actor of a caller is the pipeline's (platform): re-exported where modules look for it.
export { actorFromPrincipal } from '@kefu/platform';

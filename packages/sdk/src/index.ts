export { RestClient, ApiRequestError, type RestClientOptions, type HttpMethod, type Query } from './RestClient';
export { ConcordApi } from './ConcordApi';
export * from './gateway';

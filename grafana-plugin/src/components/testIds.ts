export const testIds = {
  appConfig: {
    container: 'data-testid ac-container',
    prometheus: 'data-testid ac-prometheus',
    loki: 'data-testid ac-loki',
    submit: 'data-testid ac-submit-form',
  },
};

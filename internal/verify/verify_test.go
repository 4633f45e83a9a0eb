package verify

const testSecret = "test-callback-secret"

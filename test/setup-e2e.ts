// Jest setup for the end-to-end project: the tests talk to the emulator with the AWS SDK themselves, and the SDK's
// notice about its future Node.js requirement is not a test result (the scripts they run silence it the same way).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

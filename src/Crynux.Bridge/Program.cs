// Arrives with the engine and client API issues.
return 0;

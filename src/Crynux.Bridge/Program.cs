using Crynux.Bridge;

return await BridgeProgram.RunAsync(args);

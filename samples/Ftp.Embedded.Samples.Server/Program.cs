using Ftp.Embedded.Samples.Server;

return await SampleServer.RunAsync(args, Console.Out, Console.Error);

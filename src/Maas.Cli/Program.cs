using Maas.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return await MaasCli.RunAsync(args, CliIo.ForProcess(), cancellation.Token);

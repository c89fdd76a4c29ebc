using System.Globalization;
using System.Net.Sockets;
using Ftp.Embedded.Load;
using FtpWire;

// Socket completions run on the event thread instead of hopping to the thread pool: on a 2-core machine shared with
// the server this halves the client's CPU per transfer, so that the client limits the figures as little as
// ftpbench.py's blocking sockets do. Read once, when the first socket operation starts the socket engine.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

if (args.Length > 0 && args[0] == "compare")
{
    return Compare.Run(args.Skip(1).ToList(), Console.Out, Console.Error);
}

var options = LoadOptions.Parse(args, Console.Error);
if (options is null)
{
    return 2;
}

if (options.Help)
{
    Console.Write(LoadOptions.Usage);
    return 0;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var results = new List<TestResult>();
var meta = new Dictionary<string, object?>
{
    ["host"] = options.Host,
    ["port"] = options.Port,
    ["user"] = options.User,
    ["label"] = options.Label,
    ["server_pid"] = options.ServerPid,
    ["started"] = DateTimeOffset.Now.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
    ["cpus"] = Environment.ProcessorCount,
    ["loadavg_start"] = ProcStats.LoadAverage(),
    ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
    ["units"] = "MB = 10^6 bytes; MiB, GiB = 2^20, 2^30 bytes",
    ["sizes"] = new Dictionary<string, object?>
    {
        ["big_bytes"] = options.BigBytes, ["mid_bytes"] = options.MidBytes, ["list_files"] = options.ListFiles,
        ["small_count"] = options.SmallCount, ["small_bytes"] = options.SmallBytes, ["parallel"] = options.Parallel,
        ["xfer_runs"] = options.TransferRuns, ["list_runs"] = options.ListRuns, ["login_count"] = options.LoginCount,
        ["login_concurrency"] = options.LoginConcurrency, ["idle_sessions"] = options.IdleSessions,
    },
};
var document = new Dictionary<string, object?> { ["tool"] = "Ftp.Embedded.Load", ["version"] = 1, ["meta"] = meta, ["results"] = new Dictionary<string, object?>() };

void Save()
{
    if (options.JsonPath is { } path)
    {
        document["results"] = results.ToDictionary(r => r.Name, r => (object?)JsonOut.ToJson(r));
        JsonOut.Write(path, document);
    }
}

void Emit(TestResult r)
{
    results.Add(r);
    Console.WriteLine(r.Status == "ok"
        ? $"{r.Name}: {Report.Format(r.Value)} {r.Unit}"
        : $"{r.Name}: {r.Status.ToUpperInvariant()} {r.Message}");
    Save();
}

var run = new LoadRun(options, Console.Error, cancel.Token);
try
{
    await run.SetupAsync();
}
catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or FtpWireTimeoutException or FtpReplyException or InvalidDataException)
{
    var message = $"cannot log in to {options.Host}:{options.Port} as {options.User}: {LoadRun.ErrorKey(ex)}";
    foreach (var test in options.Tests)
    {
        Emit(TestResult.Error(test, message));
    }

    return 1;
}

meta["login_dir"] = run.LoginDir;
meta["workdir"] = run.WorkDir;
meta["rundir"] = run.RunDir;
meta["feat"] = run.Feat.ToList();
var failed = false;
try
{
    for (var i = 0; i < options.Tests.Count; i++)
    {
        var test = options.Tests[i];
        if (i > 0)
        {
            await Task.Delay(options.Pause, cancel.Token);
        }

        var meter = new Meter(options.ServerPid);
        var started = Environment.TickCount64;
        try
        {
            foreach (var r in await run.RunAsync(test, meter))
            {
                Emit(r);
                failed |= r.Status == "error";
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Emit(TestResult.Error(test, "interrupted"));
            failed = true;
            break;
        }
        catch (Exception ex)
        {
            // any failure of one test is its result; the next test runs
            Emit(TestResult.Error(test, LoadRun.ErrorKey(ex), new() { ["elapsed_s"] = (Environment.TickCount64 - started) / 1000.0 }));
            failed = true;
        }
    }
}
finally
{
    await run.CleanupAsync();
    if (run.TlsInfo is { } tlsInfo)
    {
        meta["tls"] = tlsInfo;
        Console.WriteLine($"tls: control {tlsInfo["protocol"]} {tlsInfo["cipher_suite"]}, data {tlsInfo.GetValueOrDefault("data_protocol")} {tlsInfo.GetValueOrDefault("data_cipher_suite")}");
    }

    meta["finished"] = DateTimeOffset.Now.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
    meta["loadavg_end"] = ProcStats.LoadAverage();
    Save();
}

Console.WriteLine();
Report.WriteTable(Console.Out, options.Label ?? $"{options.Host}:{options.Port}", results);
return failed ? 1 : 0;

using SharpFuzz;

namespace Ftp.Embedded.Fuzz;

/// <summary>
/// <c>Ftp.Embedded.Fuzz parser|session|proxy</c>: runs under afl-fuzz (input on stdin, one process serves many inputs).
/// <c>Ftp.Embedded.Fuzz parser|session|proxy [-v] FILE|DIR...</c>: replays inputs without afl, to reproduce a finding.
/// A failed check ends the process with <see cref="Environment.FailFast(string)"/>, which afl-fuzz records as a crash.
/// </summary>
internal static class Program
{
    private const int MaxInput = 1024 * 1024;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("parser" or "session" or "proxy"))
        {
            Console.Error.WriteLine("usage: Ftp.Embedded.Fuzz parser|session|proxy [-v] [FILE|DIR...]");
            Console.Error.WriteLine("  without files: run under afl-fuzz, input on stdin (see fuzz/README.md)");
            Console.Error.WriteLine("  with files: replay each input once; a failed check aborts the process");
            return 2;
        }

        Action<byte[]> target = args[0] switch
        {
            "parser" => ParserTarget.Run,
            "proxy" => ProxyTarget.Run,
            _ => SessionTarget.Run,
        };
        var verbose = args.Contains("-v");
        var paths = args.Skip(1).Where(a => a != "-v").ToArray();
        if (paths.Length == 0)
        {
            Fuzzer.OutOfProcess.Run(stream =>
            {
                var input = ReadInput(stream);
                try
                {
                    target(input);
                }
                catch (Exception ex)
                {
                    FailureLog.Write(ex.ToString(), input);
                    throw;
                }
            });
            return 0;
        }

        SessionTarget.Verbose = verbose;
        var files = paths.SelectMany<string, string>(p => Directory.Exists(p)
            ? Directory.GetFiles(p).Where(f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            : [p]).ToArray();
        // Through SharpFuzz without afl: the action runs once, with a scratch coverage map, so the Ftp.Embedded.dll
        // that run.sh instrumented can replay inputs too (instrumented code needs the map).
        Fuzzer.Run(_ =>
        {
            foreach (var file in files)
            {
                Console.WriteLine($"{args[0]} {file}");
                target(File.ReadAllBytes(file));
            }
        });

        Console.WriteLine($"{files.Length} input(s) passed every check.");
        return 0;
    }

    private static byte[] ReadInput(Stream stream)
    {
        using var memory = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while (memory.Length < MaxInput && (read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, MaxInput - memory.Length))) > 0)
        {
            memory.Write(buffer, 0, read);
        }

        return memory.ToArray();
    }
}

/// <summary>
/// Under afl-fuzz the target's output is discarded: when FTP_FUZZ_FAILURE_LOG names a file, every failure is appended
/// there with its input, so a crash that does not replay (a timing-dependent one) can still be understood.
/// </summary>
internal static class FailureLog
{
    private static readonly string? Path = Environment.GetEnvironmentVariable("FTP_FUZZ_FAILURE_LOG");

    public static void Write(string message, byte[]? input)
    {
        if (string.IsNullOrEmpty(Path))
        {
            return;
        }

        var text = $"==== {DateTimeOffset.UtcNow:O} pid {Environment.ProcessId}\n{message}\n"
                   + (input is null ? "" : $"input ({input.Length} bytes): {SessionTarget.Escape(input, 4096)}\n");
        try
        {
            File.AppendAllText(Path, text);
        }
        catch (IOException)
        {
        }
    }
}

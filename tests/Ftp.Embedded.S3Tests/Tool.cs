using System.Diagnostics;

namespace Ftp.Embedded.S3Tests;

/// <summary>Runs a real client program (curl, lftp) with a time limit; a missing program fails the test, since CI installs them.</summary>
public static class Tool
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public Result ShouldSucceed()
        {
            ExitCode.Should().Be(0, $"the client should succeed.\nstdout:\n{Output}\nstderr:\n{Error}");
            return this;
        }
    }

    public static async Task<Result> RunAsync(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["HOME"] = Path.GetTempPath();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in 120 s.\nstdout:\n{await output}\nstderr:\n{await error}");
        }

        return new Result(process.ExitCode, await output, await error);
    }
}

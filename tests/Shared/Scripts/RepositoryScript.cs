using System.Diagnostics;

namespace Ftp.Embedded.TestScripts;

/// <summary>Runs a bash script of this repository (a test service, a sample's launcher) with a time limit.</summary>
internal static class RepositoryScript
{
    /// <summary>The repository's root: the first folder above the test binaries that holds <c>Ftp.Embedded.sln</c>.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ftp.Embedded.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Ftp.Embedded.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// Runs <paramref name="relativePath"/> (from the repository's root) with bash; past <paramref name="limit"/> its
    /// process tree is killed and the code is -1. The output is stdout followed by stderr.
    /// </summary>
    public static async Task<(int Code, string Output)> RunAsync(
        string relativePath, IEnumerable<string> arguments, Dictionary<string, string> environment, TimeSpan limit)
    {
        var script = Path.Combine(Root(), relativePath);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{relativePath} {string.Join(' ', start.ArgumentList.Skip(1))} timed out after {limit.TotalSeconds} s\n{await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

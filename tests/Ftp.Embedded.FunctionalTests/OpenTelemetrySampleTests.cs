using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Ftp.Embedded.FunctionalTests.Infrastructure;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>Runs the OpenTelemetry sample as a process and reads what its console exporters print.</summary>
public sealed partial class OpenTelemetrySampleTests
{
    [Fact]
    public async Task The_sample_exports_sessions_transfers_and_metrics_to_the_console()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var repository = testOutput;
        while (!File.Exists(Path.Combine(repository.FullName, "Ftp.Embedded.sln")))
        {
            repository = repository.Parent!;
        }

        var dll = Path.Combine(repository.FullName, "samples", "Ftp.Embedded.Samples.OpenTelemetry", "bin", testOutput.Parent!.Name, testOutput.Name,
            "Ftp.Embedded.Samples.OpenTelemetry.dll");
        File.Exists(dll).Should().BeTrue(dll);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("0");
        var output = new StringBuilder();
        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = info };
        // Read all the time: the console exporter writes on the session's thread and must never block on a full pipe.
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (Endpoint().Match(e.Data) is { Success: true } match)
            {
                port.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var ftpPort = await port.Task.WaitAsync(cts.Token);
            await using (var client = await FtpTestClient.LoginAsync(ftpPort, "alice", "alice-pw"))
            {
                await client.ExpectAsync("TYPE I", 200);
                (await client.RetrieveAsync("RETR readme.txt")).Should().NotBeEmpty();
                await client.StoreAsync("STOR up.bin", new byte[321]);
                await client.ExpectAsync("QUIT", 221);
            }

            // End of input stops the host; disposing it flushes the metrics.
            process.StandardInput.Close();
            await process.WaitForExitAsync(cts.Token);
            process.ExitCode.Should().Be(0);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        string text;
        lock (output)
        {
            text = output.ToString();
        }

        text.Should().Contain("Activity.DisplayName:        ftp.session")
            .And.Contain("Activity.DisplayName:        ftp.transfer")
            .And.Contain("ftp.user: alice")
            .And.Contain("ftp.transfer.bytes: 321")
            .And.Contain("Metric Name: ftp.server.commands")
            .And.Contain("Metric Name: ftp.server.transfers")
            .And.Contain("Metric Name: ftp.server.passive_ports.in_use");
    }

    [GeneratedRegex(@"ftp://[^:]+:(\d+)/")]
    private static partial Regex Endpoint();
}

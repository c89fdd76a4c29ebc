using System.Diagnostics;
using System.IO.Compression;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Ftp.Embedded.PackageTests;

/// <summary>
/// Packs the library, installs the package by version from a local feed into a fresh console project that registers a
/// filesystem of its own, runs it, and downloads a file from it: what a user gets from NuGet, not a project reference.
/// </summary>
public sealed partial class PackageTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("ftp-package-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task The_package_installs_and_serves_from_a_custom_filesystem()
    {
        var repository = FindRepository();
        var feed = Directory.CreateDirectory(Path.Combine(_work, "feed")).FullName;
        // A version of its own, so no cached package of the same version is ever used instead.
        var version = $"0.0.1-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        await RunAsync("dotnet", ["pack", Path.Combine(repository, "src", "Ftp.Embedded"), "-c", "Release", "-o", feed, $"-p:Version={version}"], repository);

        var nupkg = Path.Combine(feed, $"Ftp.Embedded.{version}.nupkg");
        File.Exists(Path.Combine(feed, $"Ftp.Embedded.{version}.snupkg")).Should().BeTrue("symbols ship as a .snupkg");
        using (var package = ZipFile.OpenRead(nupkg))
        {
            package.Entries.Select(e => e.FullName).Should().Contain(["README.md", "lib/net10.0/Ftp.Embedded.dll", "lib/net10.0/Ftp.Embedded.xml"]);
            using var nuspec = new StreamReader(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            var text = await nuspec.ReadToEndAsync();
            text.Should().Contain("<readme>README.md</readme>").And.Contain("<license type=\"expression\">MIT</license>")
                .And.Contain("<tags>ftp ftps server embedded rfc959</tags>").And.Contain("<repository type=\"git\"");

            using var readme = new StreamReader(package.GetEntry("README.md")!.Open());
            CheckPackageReadme(await readme.ReadToEndAsync(), repository);
        }

        var app = Directory.CreateDirectory(Path.Combine(_work, "app")).FullName;
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Ftp.Embedded" Version="{version}" />
                <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.0" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), AppSource);
        // Keep the repository's build settings out of the fresh project.
        await File.WriteAllTextAsync(Path.Combine(_work, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(_work, "Directory.Packages.props"), "<Project />");
        await RunAsync("dotnet", ["build", "-c", "Release", "-o", Path.Combine(app, "out")], app);

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = app };
        info.ArgumentList.Add(Path.Combine(app, "out", "App.dll"));
        using var process = Process.Start(info)!;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            Match match;
            do
            {
                var line = await process.StandardOutput.ReadLineAsync(cts.Token) ?? throw new IOException("The app ended before it printed its port.");
                match = Port().Match(line);
            }
            while (!match.Success);

            var port = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            (await DownloadAsync(port, "/hello.txt", cts.Token)).Should().Be("Hello from a custom filesystem.");
            process.StandardInput.Close();
            await process.WaitForExitAsync(cts.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private const string AppSource = """
        using System.Net;
        using System.Runtime.CompilerServices;
        using Ftp.Embedded;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddFtpServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0)))
            .UseFileSystem<GreetingFiles>()
            .AddAnonymous(a => a.HomeDirectory = "/");
        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine($"port {host.Services.GetRequiredService<FtpServer>().EndPoints[0].Port}");
        Console.ReadLine();
        await host.StopAsync();

        sealed class GreetingFiles : IFtpFileSystemProvider, IFtpFileSystem
        {
            private static readonly byte[] Hello = "Hello from a custom filesystem."u8.ToArray();
            private static readonly DateTimeOffset Time = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            public ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken ct) => ValueTask.FromResult<IFtpFileSystem>(this);
            public ValueTask<FtpFileInfo?> GetInfoAsync(string path, CancellationToken ct) => ValueTask.FromResult(path switch
            {
                "/" => new FtpFileInfo("/", true, 0, Time),
                "/hello.txt" => new FtpFileInfo("hello.txt", false, Hello.Length, Time),
                _ => (FtpFileInfo?)null,
            });
            public async IAsyncEnumerable<FtpFileInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken ct)
            {
                await Task.Yield();
                yield return new FtpFileInfo("hello.txt", false, Hello.Length, Time);
            }
            public ValueTask<Stream> OpenReadAsync(string path, long offset, CancellationToken ct)
                => path == "/hello.txt" ? ValueTask.FromResult<Stream>(new MemoryStream(Hello[(int)offset..])) : throw new FileNotFoundException(path);
            public ValueTask<Stream> OpenWriteAsync(string path, FtpWriteMode mode, long offset, CancellationToken ct) => throw new FtpException(FtpReplyCode.FileUnavailable, "Read-only.");
            public ValueTask CreateDirectoryAsync(string path, CancellationToken ct) => throw new FtpException(FtpReplyCode.FileUnavailable, "Read-only.");
            public ValueTask DeleteFileAsync(string path, CancellationToken ct) => throw new FtpException(FtpReplyCode.FileUnavailable, "Read-only.");
            public ValueTask DeleteDirectoryAsync(string path, CancellationToken ct) => throw new FtpException(FtpReplyCode.FileUnavailable, "Read-only.");
            public ValueTask RenameAsync(string sourcePath, string destinationPath, CancellationToken ct) => throw new FtpException(FtpReplyCode.FileUnavailable, "Read-only.");
        }
        """;

    /// <summary>A tiny FTP client: anonymous login, TYPE I, EPSV, RETR.</summary>
    private static async Task<string> DownloadAsync(int port, string path, CancellationToken ct)
    {
        using var control = new TcpClient();
        await control.ConnectAsync("127.0.0.1", port, ct);
        using var reader = new StreamReader(control.GetStream(), Encoding.UTF8);
        var writer = control.GetStream();
        async Task<string> Reply()
        {
            string? line;
            do
            {
                line = await reader.ReadLineAsync(ct) ?? throw new IOException("closed");
            }
            while (line.Length < 4 || line[3] == '-');
            return line;
        }

        async Task<string> Send(string command)
        {
            await writer.WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"), ct);
            return await Reply();
        }

        (await Reply()).Should().StartWith("220");
        (await Send("USER anonymous")).Should().StartWith("331");
        (await Send("PASS guest@")).Should().StartWith("230");
        (await Send("TYPE I")).Should().StartWith("200");
        var epsv = await Send("EPSV");
        epsv.Should().StartWith("229");
        var dataPort = int.Parse(epsv.Split('|')[3], System.Globalization.CultureInfo.InvariantCulture);
        using var data = new TcpClient();
        await data.ConnectAsync("127.0.0.1", dataPort, ct);
        (await Send("RETR " + path)).Should().StartWith("150");
        using var content = new MemoryStream();
        await data.GetStream().CopyToAsync(content, ct);
        (await Reply()).Should().StartWith("226");
        return Encoding.UTF8.GetString(content.ToArray());
    }

    /// <summary>
    /// The README nuget.org shows: every link absolute (a relative one is broken there), those into the repository built
    /// from the repository URL in Directory.Build.props and pointing at files that exist, and nothing for contributors.
    /// </summary>
    private static void CheckPackageReadme(string readme, string repository)
    {
        var props = File.ReadAllText(Path.Combine(repository, "Directory.Build.props"));
        var repositoryUrl = RepositoryUrl().Match(props).Groups[1].Value;
        repositoryUrl.Should().StartWith("https://github.com/");
        var links = MarkdownLink().Matches(readme).Select(m => m.Groups[1].Value).ToList();
        links.Should().NotBeEmpty();
        links.Should().OnlyContain(l => l.StartsWith("https://", StringComparison.Ordinal), "relative links are broken on nuget.org");
        readme.Should().NotContain("](docs/").And.NotContain("](benchmarks/").And.NotContain("](tests/");
        var docs = links.Where(l => l.Contains("/docs/", StringComparison.Ordinal)).ToList();
        docs.Should().NotBeEmpty();
        foreach (var link in docs)
        {
            link.Should().StartWith(repositoryUrl + "/blob/main/docs/");
            var file = link[(repositoryUrl + "/blob/main/").Length..].Split('#')[0];
            File.Exists(Path.Combine(repository, file)).Should().BeTrue($"{link} points at {file}, which the repository has");
        }

        readme.Should().NotContainAny(["contributor", "Contributor", "dotnet test", "## Repository", "PublicAPI", ".ci/run"]);
    }

    private static async Task RunAsync(string program, string[] arguments, string directory)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(cts.Token);
        process.ExitCode.Should().Be(0, $"{program} {string.Join(' ', arguments)} failed:\n{await output}\n{await error}");
    }

    private static string FindRepository()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "Ftp.Embedded.sln")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException("The repository root was not found.");
        }

        return directory.FullName;
    }

    [GeneratedRegex(@"<RepositoryUrl>([^<]+)</RepositoryUrl>")]
    private static partial Regex RepositoryUrl();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^port (\d+)$")]
    private static partial Regex Port();
}

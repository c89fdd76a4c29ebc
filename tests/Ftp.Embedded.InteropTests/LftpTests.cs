namespace Ftp.Embedded.InteropTests;

public sealed class LftpTests(InteropServer server) : IClassFixture<InteropServer>
{
    private Task<Client.Result> Lftp(bool passive, string commands)
        => Client.RunAsync("lftp",
        [
            "-c",
            $"set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 20; set ftp:ssl-allow no; set ftp:passive-mode {(passive ? "on" : "off")}; " +
            $"set ftp:port-range 1024-65535; open -u alice,secret -p {server.Port} 127.0.0.1; {commands}",
        ]);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Mirrors_a_tree_both_ways(bool passive)
    {
        var source = server.NewLocalDirectory();
        var files = MakeTree(source, passive ? 1 : 2);
        var remote = passive ? "tree-passive" : "tree-active";

        (await Lftp(passive, $"mkdir {remote}; mirror -R {source} {remote}")).ShouldSucceed();
        foreach (var (relative, content) in files)
        {
            (await File.ReadAllBytesAsync(Path.Combine(server.Home, remote, relative))).Should().Equal(content, relative);
        }

        var target = server.NewLocalDirectory();
        (await Lftp(passive, $"mirror {remote} {target}")).ShouldSucceed();
        foreach (var (relative, content) in files)
        {
            (await File.ReadAllBytesAsync(Path.Combine(target, relative))).Should().Equal(content, relative);
        }

        Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories).Should().HaveCount(files.Count);
    }

    [Fact]
    public async Task Lists_with_MLSD_and_renames_and_deletes()
    {
        await File.WriteAllTextAsync(Path.Combine(server.Home, "lftp-a.txt"), "a");
        var result = (await Lftp(true, "cls -l; mv lftp-a.txt lftp-b.txt; cls; rm lftp-b.txt; cls")).ShouldSucceed();
        result.Output.Should().Contain("lftp-a.txt").And.Contain("lftp-b.txt");
        File.Exists(Path.Combine(server.Home, "lftp-b.txt")).Should().BeFalse();
    }

    /// <summary>20 files in 3 levels, sizes from 0 bytes to 300 KB.</summary>
    private static List<(string Relative, byte[] Content)> MakeTree(string root, int seed)
    {
        var files = new List<(string, byte[])>();
        var random = new Random(seed);
        for (var i = 0; i < 20; i++)
        {
            var directory = (i % 3) switch
            {
                0 => "",
                1 => "level1",
                _ => Path.Combine("level1", "level2"),
            };
            var relative = Path.Combine(directory, $"file{i:D2}.bin");
            var content = new byte[i == 0 ? 0 : random.Next(1, 300_000)];
            random.NextBytes(content);
            Directory.CreateDirectory(Path.Combine(root, directory));
            File.WriteAllBytes(Path.Combine(root, relative), content);
            files.Add((relative, content));
        }

        return files;
    }
}

using System.Security.Cryptography;

namespace Ftp.Embedded.InteropTests;

public sealed class LargeFileTests(InteropServer server) : IClassFixture<InteropServer>
{
    private const long OneGiB = 1L << 30;

    [Fact]
    public async Task A_1_GiB_file_goes_down_and_up_byte_exact()
    {
        var source = Path.Combine(server.Home, "big.bin");
        var expected = await WriteRandomFileAsync(source, OneGiB);
        var local = server.NewLocalDirectory();
        var downloaded = Path.Combine(local, "big.bin");

        (await Client.RunAsync("curl", ["--silent", "--show-error", "-u", "alice:secret", "-o", downloaded, $"{server.Url}/big.bin"], timeout: TimeSpan.FromMinutes(5))).ShouldSucceed();
        (await HashAsync(downloaded)).Should().Equal(expected);

        (await Client.RunAsync("curl", ["--silent", "--show-error", "-u", "alice:secret", "-T", downloaded, $"{server.Url}/big-up.bin"], timeout: TimeSpan.FromMinutes(5))).ShouldSucceed();
        (await HashAsync(Path.Combine(server.Home, "big-up.bin"))).Should().Equal(expected);
        File.Delete(source);
        File.Delete(downloaded);
        File.Delete(Path.Combine(server.Home, "big-up.bin"));
    }

    private static async Task<byte[]> WriteRandomFileAsync(string path, long size)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var random = new Random(1234);
        var buffer = new byte[4 << 20];
        await using var file = File.Create(path);
        for (long written = 0; written < size; written += buffer.Length)
        {
            random.NextBytes(buffer);
            hash.AppendData(buffer);
            await file.WriteAsync(buffer);
        }

        return hash.GetHashAndReset();
    }

    private static async Task<byte[]> HashAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return await SHA256.HashDataAsync(file);
    }
}

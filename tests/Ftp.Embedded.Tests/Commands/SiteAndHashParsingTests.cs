using System.Security.Cryptography;
using Ftp.Embedded.Internal.Commands;
using Ftp.Embedded.Internal.Data;
using Ftp.Embedded.Internal.Hashing;

namespace Ftp.Embedded.Tests.Commands;

public class SiteAndHashParsingTests
{
    [Theory]
    [InlineData("SHA-1", FtpChecksumAlgorithm.Sha1)]
    [InlineData("sha-256", FtpChecksumAlgorithm.Sha256)]
    [InlineData("SHA256", FtpChecksumAlgorithm.Sha256)]
    [InlineData("SHA-512", FtpChecksumAlgorithm.Sha512)]
    [InlineData("md5", FtpChecksumAlgorithm.Md5)]
    [InlineData("CRC32", FtpChecksumAlgorithm.Crc32)]
    public void Hash_names_parse_case_insensitively(string name, FtpChecksumAlgorithm expected)
    {
        HashNames.TryParse(name, out var algorithm).Should().BeTrue();
        algorithm.Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("SHA-3")]
    [InlineData("SHA-256 ")]
    [InlineData("CRC")]
    public void Unknown_hash_names_are_refused(string name) => HashNames.TryParse(name, out _).Should().BeFalse();

    [Fact]
    public void FEAT_lists_every_algorithm_with_the_selected_one_starred()
    {
        HashNames.Feature(FtpChecksumAlgorithm.Sha256).Should().Be("HASH SHA-1;SHA-256*;SHA-512;MD5;CRC32");
        HashNames.Feature(FtpChecksumAlgorithm.Crc32).Should().Be("HASH SHA-1;SHA-256;SHA-512;MD5;CRC32*");
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        var crc = new Crc32();
        crc.Append("123456789"u8);
        crc.Value.Should().Be(0xCBF43926u);
        Convert.ToHexString(crc.GetHash()).Should().Be("CBF43926");
        new Crc32().Value.Should().Be(0u);
    }

    [Theory]
    [InlineData(FtpChecksumAlgorithm.Sha1, "a9993e364706816aba3e25717850c26c9cd0d89d")]
    [InlineData(FtpChecksumAlgorithm.Sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData(FtpChecksumAlgorithm.Md5, "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData(FtpChecksumAlgorithm.Crc32, "352441c2")]
    public async Task The_hasher_gives_the_known_digest_of_abc(FtpChecksumAlgorithm algorithm, string expected)
    {
        using var stream = new MemoryStream("abc"u8.ToArray());
        var hash = await FileHasher.ComputeAsync(stream, algorithm, long.MaxValue, new Counter(), CancellationToken.None);
        Convert.ToHexStringLower(hash).Should().Be(expected);
    }

    [Fact]
    public async Task The_hasher_stops_at_the_length_and_counts_in_buffers_of_at_most_its_size()
    {
        var data = RandomNumberGenerator.GetBytes((3 * FileHasher.BufferSize) + 17);
        var counter = new Counter();
        using var stream = new MemoryStream(data);
        var hash = await FileHasher.ComputeAsync(stream, FtpChecksumAlgorithm.Sha512, data.Length - 100, counter, CancellationToken.None);
        hash.Should().Equal(SHA512.HashData(data.AsSpan(0, data.Length - 100)));
        counter.Total.Should().Be(data.Length - 100);
        counter.Largest.Should().BeLessThanOrEqualTo(FileHasher.BufferSize);
    }

    [Theory]
    [InlineData("file.bin", "file.bin", null, null)]
    [InlineData("file.bin 10 20", "file.bin", 10L, 20L)]
    [InlineData("my file.bin 0 5", "my file.bin", 0L, 5L)]
    [InlineData("file.bin 10", "file.bin 10", null, null)]
    [InlineData("10 20", "10 20", null, null)]
    [InlineData("file.bin -1 20", "file.bin -1 20", null, null)]
    public void Legacy_hash_arguments_split_a_trailing_range(string argument, string path, long? start, long? end)
        => HashCommands.ParseLegacy(argument).Should().Be((path, start, end));

    [Theory]
    [InlineData("20240102030405 a.txt", "a.txt")]
    [InlineData("20240102030405 my file.txt", "my file.txt")]
    [InlineData("a.txt 20240102030405", "a.txt")]
    [InlineData("my file.txt 20240102030405", "my file.txt")]
    [InlineData("a.txt 20000101000000 20240102030405 20000101000000 UTC", "a.txt")]
    [InlineData("my file.txt 20000101000000 20240102030405 20000101000000 utc", "my file.txt")]
    public void SITE_UTIME_takes_the_three_forms_clients_send(string argument, string path)
        => SiteFileCommands.ParseUtime(argument).Should().Be((path, new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero)));

    [Theory]
    [InlineData("")]
    [InlineData("a.txt")]
    [InlineData("20240102030405")]
    [InlineData("2024 a.txt")]
    [InlineData("a.txt 20241302030405")]
    public void SITE_UTIME_without_a_path_and_a_valid_time_is_refused(string argument)
        => SiteFileCommands.ParseUtime(argument).Should().BeNull();

    [Theory]
    [InlineData("644", 420)]
    [InlineData("0755", 493)]
    [InlineData("0", 0)]
    [InlineData("777", 511)]
    public void Octal_modes_parse(string text, int mode)
    {
        SiteFileCommands.TryParseMode(text, out var parsed).Should().BeTrue();
        parsed.Should().Be(mode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4755")]
    [InlineData("1777")]
    [InlineData("648")]
    [InlineData("u+x")]
    [InlineData("07777")]
    public void Modes_beyond_the_permission_bits_or_not_octal_are_refused(string text)
        => SiteFileCommands.TryParseMode(text, out _).Should().BeFalse();

    [Fact]
    public void A_site_reply_splits_lines_and_neutralises_control_characters()
    {
        var reply = FtpSiteReply.Create(250, "first\r\n226 forged\nthird\u0007\r\n\r\n");
        reply.Code.Should().Be(250);
        reply.Lines.Should().Equal("first", "226 forged", "third?");
        FtpSiteReply.Ok("").Lines.Should().Equal("OK.");
    }

    [Theory]
    [InlineData(100)]
    [InlineData(150)]
    [InlineData(331)]
    [InlineData(600)]
    [InlineData(0)]
    public void A_site_reply_code_must_be_2xx_4xx_or_5xx(int code)
        => FluentActions.Invoking(() => FtpSiteReply.Create(code, "x")).Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(code));

    [Theory]
    [InlineData("REINDEX", null)]
    [InlineData("who-am_i2", null)]
    [InlineData("chmod", "built in")]
    [InlineData("HELP", "built in")]
    [InlineData("Utime", "built in")]
    [InlineData("", "1 to 32")]
    [InlineData("TWO WORDS", "1 to 32")]
    [InlineData("CRLF\r\n", "1 to 32")]
    public void Site_command_names_are_checked(string name, string? problem)
    {
        var found = SiteCommandRegistration.Problem(name);
        if (problem is null)
        {
            found.Should().BeNull();
        }
        else
        {
            found.Should().Contain(problem);
        }
    }

    private sealed class Counter : ITransferProgress
    {
        public long Total { get; private set; }

        public int Largest { get; private set; }

        public TransferThrottle? Throttle => null;

        public void Progress(int bytes)
        {
            Total += bytes;
            Largest = Math.Max(Largest, bytes);
        }

        public void Reserve(int count)
        {
        }
    }
}

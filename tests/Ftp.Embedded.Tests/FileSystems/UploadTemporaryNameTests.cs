using Ftp.Embedded.Internal.FileSystems;

namespace Ftp.Embedded.Tests.FileSystems;

public sealed class UploadTemporaryNameTests
{
    [Fact]
    public void New_names_match_and_have_a_fixed_length()
    {
        var name = UploadTemporaryName.Create();
        name.Should().MatchRegex(@"^\.ftp-upload-[0-9a-f]{16}\.part$").And.HaveLength(UploadTemporaryName.Length);
        UploadTemporaryName.Matches(name).Should().BeTrue();
        UploadTemporaryName.IsTemporaryPath("/a/b/" + name).Should().BeTrue();
        UploadTemporaryName.Create().Should().NotBe(name);
    }

    [Theory]
    [InlineData(".ftp-upload-0123456789ABCDEF.part")]
    [InlineData(".ftp-upload-0123456789abcdeg.part")]
    [InlineData(".ftp-upload-0123456789abcde.part")]
    [InlineData("ftp-upload-0123456789abcdef.part")]
    [InlineData(".ftp-upload-0123456789abcdef.parts")]
    [InlineData(".report.txt.1a2b3c4d.part")]
    [InlineData("")]
    public void Other_names_do_not_match(string name) => UploadTemporaryName.Matches(name).Should().BeFalse();

    [Fact]
    public void Only_the_last_segment_counts() => UploadTemporaryName.IsTemporaryPath("/.ftp-upload-0123456789abcdef.part/x").Should().BeFalse();
}

namespace Ftp.Embedded.InteropTests;

public class PlaceholderTests
{
    [Fact]
    public void Builds() => true.Should().BeTrue();
}

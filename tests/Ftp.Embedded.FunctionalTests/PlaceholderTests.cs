namespace Ftp.Embedded.FunctionalTests;

public class PlaceholderTests
{
    [Fact]
    public void Builds() => true.Should().BeTrue();
}

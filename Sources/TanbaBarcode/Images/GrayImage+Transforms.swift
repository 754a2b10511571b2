import Foundation

/// What a camera does to a printed label, for tests and the benchmark: scale, rotation, blur, noise, a background.
extension GrayImage {
    /// The picture scaled by `factor` with bilinear interpolation (each output pixel samples the input at its
    /// centre), at least 1 × 1.
    public func scaled(by factor: Double) -> GrayImage {
        precondition(factor > 0, "a scale factor is positive")
        let newWidth = max(1, Int((Double(width) * factor).rounded()))
        let newHeight = max(1, Int((Double(height) * factor).rounded()))
        let sx = Double(width) / Double(newWidth)
        let sy = Double(height) / Double(newHeight)
        var out = [UInt8](repeating: 0, count: newWidth * newHeight)
        for y in 0..<newHeight {
            let fy = (Double(y) + 0.5) * sy - 0.5
            for x in 0..<newWidth {
                let fx = (Double(x) + 0.5) * sx - 0.5
                out[y * newWidth + x] = sample(fx, fy, outside: nil)
            }
        }
        return GrayImage(width: newWidth, height: newHeight, pixels: out)
    }

    /// The picture shrunk by averaging `factor` × `factor` blocks (the right filter for shrinking: no aliasing).
    func shrunk(by factor: Int) -> GrayImage {
        guard factor > 1 else { return self }
        let newWidth = max(1, width / factor)
        let newHeight = max(1, height / factor)
        var out = [UInt8](repeating: 0, count: newWidth * newHeight)
        var sums = [Int](repeating: 0, count: newWidth)
        let area = factor * factor
        pixels.withUnsafeBufferPointer { source in
            for y in 0..<newHeight {
                for index in sums.indices { sums[index] = 0 }
                for row in (y * factor)..<(y * factor + factor) {
                    let base = row * width
                    for x in 0..<newWidth {
                        var sum = 0
                        let start = base + x * factor
                        for column in start..<(start + factor) { sum += Int(source[column]) }
                        sums[x] += sum
                    }
                }
                for x in 0..<newWidth { out[y * newWidth + x] = UInt8(sums[x] / area) }
            }
        }
        return GrayImage(width: newWidth, height: newHeight, pixels: out)
    }

    /// The picture rotated counter-clockwise by `degrees` about its centre on a canvas grown to hold all of it; the
    /// uncovered corners are `background`.
    public func rotated(degrees: Double, background: UInt8 = 255) -> GrayImage {
        let angle = degrees * .pi / 180
        let (c, s) = (cos(angle), sin(angle))
        let newWidth = Int((abs(Double(width) * c) + abs(Double(height) * s)).rounded(.up))
        let newHeight = Int((abs(Double(width) * s) + abs(Double(height) * c)).rounded(.up))
        let (cx, cy) = (Double(width) / 2, Double(height) / 2)
        let (ncx, ncy) = (Double(newWidth) / 2, Double(newHeight) / 2)
        var out = [UInt8](repeating: background, count: newWidth * newHeight)
        for y in 0..<newHeight {
            let dy = Double(y) + 0.5 - ncy
            for x in 0..<newWidth {
                let dx = Double(x) + 0.5 - ncx
                // The inverse rotation (y points down, so counter-clockwise on screen is this sign).
                let fx = c * dx - s * dy + cx - 0.5
                let fy = s * dx + c * dy + cy - 0.5
                out[y * newWidth + x] = sample(fx, fy, outside: background)
            }
        }
        return GrayImage(width: newWidth, height: newHeight, pixels: out)
    }

    /// The picture blurred by a box filter of `radius` pixels, run three times (close to a Gaussian of
    /// σ ≈ radius).
    public func blurred(radius: Int) -> GrayImage {
        guard radius > 0 else { return self }
        var image = self
        for _ in 0..<3 {
            image = image.boxPass(radius: radius, horizontal: true).boxPass(radius: radius, horizontal: false)
        }
        return image
    }

    private func boxPass(radius: Int, horizontal: Bool) -> GrayImage {
        var out = pixels
        let (lines, length) = horizontal ? (height, width) : (width, height)
        let window = 2 * radius + 1
        for line in 0..<lines {
            func at(_ i: Int) -> Int {
                let clamped = min(max(i, 0), length - 1)
                return Int(horizontal ? pixels[line * width + clamped] : pixels[clamped * width + line])
            }
            var sum = 0
            for i in -radius...radius { sum += at(i) }
            for i in 0..<length {
                let value = UInt8((sum + window / 2) / window)
                if horizontal { out[line * width + i] = value } else { out[i * width + line] = value }
                sum += at(i + radius + 1) - at(i - radius)
            }
        }
        return GrayImage(width: width, height: height, pixels: out)
    }

    /// The picture with uniform noise of ±`amplitude` added to each pixel, the same for the same `seed`.
    public func withNoise(amplitude: Int, seed: UInt64) -> GrayImage {
        var generator = SplitMix64(seed: seed)
        let span = UInt64(2 * max(0, amplitude) + 1)
        let out = pixels.map { pixel in
            let noise = Int(generator.next() % span) - amplitude
            return UInt8(clamping: Int(pixel) + noise)
        }
        return GrayImage(width: width, height: height, pixels: out)
    }

    /// The picture (a label) placed at `x`, `y` in a larger "photo" `width` × `height` of grey level `background`
    /// with a soft gradient and ±`noise` of seeded noise, as a table under a phone camera looks.
    public func placed(
        on background: UInt8, width canvasWidth: Int, height canvasHeight: Int, x: Int, y: Int, noise: Int = 12,
        seed: UInt64 = 1
    ) -> GrayImage {
        var canvas = [UInt8](repeating: background, count: canvasWidth * canvasHeight)
        for row in 0..<canvasHeight {
            // A light gradient from top to bottom, as uneven light gives.
            let shade = Int(background) - 20 + 40 * row / max(1, canvasHeight)
            for column in 0..<canvasWidth { canvas[row * canvasWidth + column] = UInt8(clamping: shade) }
        }
        for row in 0..<height where (0..<canvasHeight).contains(row + y) {
            for column in 0..<width where (0..<canvasWidth).contains(column + x) {
                canvas[(row + y) * canvasWidth + column + x] = pixels[row * width + column]
            }
        }
        return GrayImage(width: canvasWidth, height: canvasHeight, pixels: canvas)
            .withNoise(amplitude: noise, seed: seed)
    }

    /// Bilinear sample at (fx, fy) in pixel-centre coordinates; outside the picture, `outside` or the nearest edge.
    private func sample(_ fx: Double, _ fy: Double, outside: UInt8?) -> UInt8 {
        if let outside, fx < -0.5 || fy < -0.5 || fx > Double(width) - 0.5 || fy > Double(height) - 0.5 {
            return outside
        }
        let x0 = Int(fx.rounded(.down))
        let y0 = Int(fy.rounded(.down))
        let ax = fx - Double(x0)
        let ay = fy - Double(y0)
        func pixel(_ x: Int, _ y: Int) -> Double {
            Double(pixels[min(max(y, 0), height - 1) * width + min(max(x, 0), width - 1)])
        }
        let top = pixel(x0, y0) * (1 - ax) + pixel(x0 + 1, y0) * ax
        let bottom = pixel(x0, y0 + 1) * (1 - ax) + pixel(x0 + 1, y0 + 1) * ax
        return UInt8(clamping: Int((top * (1 - ay) + bottom * ay).rounded()))
    }
}

/// A small seeded generator (SplitMix64): the same noise for the same seed on every machine.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

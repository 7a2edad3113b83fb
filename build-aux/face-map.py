#!/usr/bin/env python3
# face-map.py: writes data/face-map.txt, the face map's vector paths.
#
# Shapes are authored here in a 1000 x 1300 grid as points on smooth
# closed curves (Catmull-Rom, turned into cubic Béziers); the map reads
# only the text file, in normalised 0..1 coordinates. Bilateral zones
# are drawn once on the viewer's left (the patient's right) and
# mirrored; midline shapes are drawn as their left half, top to bottom.
#
#   build-aux/face-map.py > data/face-map.txt     regenerate
#   build-aux/face-map.py --svg > /tmp/face-map.svg   preview
#
# SPDX-License-Identifier: GPL-3.0-or-later

import sys

W, H = 1000.0, 1300.0


def mirror(pts):
    return [(W - x, y, c) for (x, y, c) in reversed(pts)]


def pts(*p):
    out = []
    for q in p:
        if len(q) == 2:
            out.append((q[0], q[1], False))
        else:
            out.append((q[0], q[1], True))
    return out


def midline(*half):
    # half: from the top midpoint down the left side to the bottom midpoint
    h = pts(*half)
    inner = h[1:-1]
    return h + mirror(inner)


def bezier(points, closed=True, tension=1.0 / 6.0):
    """Catmull-Rom through points; corner points get no tangent."""
    n = len(points)
    segs = []
    rng = range(n) if closed else range(n - 1)
    for i in rng:
        p0 = points[(i - 1) % n] if (closed or i > 0) else points[i]
        p1 = points[i]
        p2 = points[(i + 1) % n]
        p3 = points[(i + 2) % n] if (closed or i + 2 < n) else p2
        t1 = 0.0 if p1[2] else tension
        t2 = 0.0 if p2[2] else tension
        c1 = (p1[0] + (p2[0] - p0[0]) * t1, p1[1] + (p2[1] - p0[1]) * t1)
        c2 = (p2[0] - (p3[0] - p1[0]) * t2, p2[1] - (p3[1] - p1[1]) * t2)
        segs.append((c1, c2, (p2[0], p2[1])))
    return segs


def fmt(v, scale):
    return ("%.4f" % (v / scale)).rstrip("0").rstrip(".") if v else "0"


def path_text(points, closed=True):
    lines = ["M %s %s" % (fmt(points[0][0], W), fmt(points[0][1], H))]
    for c1, c2, p in bezier(points, closed):
        lines.append("C %s %s %s %s %s %s" % (fmt(c1[0], W), fmt(c1[1], H),
                                              fmt(c2[0], W), fmt(c2[1], H),
                                              fmt(p[0], W), fmt(p[1], H)))
    if closed:
        lines.append("Z")
    return lines


def path_svg(points, closed=True):
    d = "M %g %g " % (points[0][0], points[0][1])
    for c1, c2, p in bezier(points, closed):
        d += "C %g %g %g %g %g %g " % (c1[0], c1[1], c2[0], c2[1], p[0], p[1])
    return d + ("Z" if closed else "")


# --- the body: neck and shoulders, head, ears ------------------------------

body = midline((500, 640), (398, 660), (394, 800), (386, 880), (368, 942),
               (300, 985), (180, 1022), (90, 1062), (42, 1122), (22, 1200),
               (16, 1300, 'c'), (500, 1300, 'c'))

head = midline((500, 52), (400, 66), (330, 108), (284, 175), (263, 258),
               (259, 350), (266, 440), (279, 530), (299, 610), (334, 680),
               (385, 736), (440, 771), (500, 783))

ear = pts((270, 362, 'c'), (248, 352), (232, 376), (230, 424), (237, 468),
          (252, 500), (274, 512, 'c'))

hairline_half = [(268, 318, 'c'), (282, 240), (320, 190), (380, 160),
                 (440, 148), (500, 145)]
hairline = pts(*hairline_half) + mirror(pts(*hairline_half[:-1]))

# Hair: the crown down to the hairline, corners at the temples.
crown_half = pts((268, 318, 'c'), (263, 258), (284, 175), (330, 108),
                 (400, 66), (500, 52))
hair = crown_half + mirror(crown_half[:-1])
hair = hair + [p for p in reversed(hairline[1:-1])]

eye = pts((344, 418, 'c'), (368, 401), (398, 395), (428, 402), (449, 417, 'c'),
          (424, 430), (396, 434), (368, 429))
iris = pts((397, 403), (405, 406), (408, 414), (405, 422), (397, 425),
           (389, 422), (386, 414), (389, 406))
brow = pts((332, 378), (364, 356), (408, 350), (452, 360))
nostril = pts((452, 560), (444, 577), (452, 590), (472, 592), (488, 586))
mouth = midline((500, 641), (478, 636), (452, 640), (428, 656, 'c'),
                (452, 672), (478, 680), (500, 682))
lip_line = pts((430, 656), (466, 659), (500, 661), (534, 659), (570, 656))

# --- zones ------------------------------------------------------------------

zones = {}

zones["forehead"] = midline((500, 166), (440, 169), (378, 186), (334, 224),
                            (318, 280), (326, 330), (366, 336), (420, 333),
                            (456, 322), (478, 310), (500, 306))
zones["glabella"] = midline((500, 318), (480, 322), (466, 342), (468, 372),
                            (482, 392), (500, 398))
zones["temple-right"] = pts((298, 236), (306, 285), (308, 336), (312, 378),
                            (294, 398), (276, 390), (268, 340), (270, 285),
                            (282, 252))
zones["periorbital-right"] = pts((320, 394), (336, 400), (341, 421),
                                 (366, 438), (396, 444), (428, 439),
                                 (452, 428), (449, 448), (420, 466),
                                 (388, 472), (352, 465), (328, 446),
                                 (314, 418))
zones["nose"] = midline((500, 408), (486, 410), (480, 444), (475, 492),
                        (464, 530), (450, 554), (446, 578), (466, 594),
                        (500, 596))
zones["cheek-right"] = pts((300, 466), (332, 474), (366, 484), (404, 484),
                           (436, 488), (454, 512), (448, 540), (420, 552),
                           (404, 586), (392, 624), (390, 664), (384, 690),
                           (362, 660), (336, 622), (318, 586), (304, 550),
                           (284, 510), (284, 478))
zones["nasolabial-right"] = pts((436, 556), (440, 568), (430, 600),
                                (420, 632), (418, 664), (408, 678),
                                (398, 664), (400, 626), (412, 588),
                                (424, 562))
zones["upper-lip"] = midline((500, 606), (476, 604), (452, 600), (442, 614),
                             (434, 636), (426, 648), (450, 632), (478, 626),
                             (500, 630))
zones["chin"] = midline((500, 694), (470, 692), (440, 686), (420, 694),
                        (416, 716), (430, 742), (460, 760), (500, 767))
zones["jawline-right"] = pts((292, 566), (300, 560), (312, 596), (334, 640),
                             (366, 682), (404, 710), (410, 726),
                             (402, 744), (386, 730), (344, 682),
                             (312, 636), (294, 598))
zones["submental"] = midline((500, 796), (460, 790), (424, 778), (406, 766),
                             (404, 792), (424, 814), (460, 826), (500, 829))
zones["neck"] = midline((500, 842), (456, 840), (414, 826), (404, 860),
                        (400, 904), (392, 934), (430, 950), (470, 955),
                        (500, 956))
zones["decolletage"] = midline((500, 976), (440, 973), (384, 964), (300, 1002),
                               (200, 1042), (150, 1082), (168, 1130),
                               (250, 1180), (350, 1214), (430, 1232),
                               (500, 1236))

for key in list(zones):
    if key.endswith("-right"):
        zones[key[:-6] + "-left"] = mirror(zones[key])

order = ["forehead", "glabella", "temple-left", "temple-right",
         "periorbital-left", "periorbital-right", "nose", "cheek-left",
         "cheek-right", "nasolabial-left", "nasolabial-right", "upper-lip",
         "chin", "jawline-left", "jawline-right", "submental", "neck",
         "decolletage"]

outlines = [
    ("silhouette", [body, ear, mirror(ear), head], True),
    ("hair", [hair], True),
    ("lips", [mouth], True),
    ("feature", [hairline], False),
    ("feature", [eye, mirror(eye), iris, mirror(iris)], True),
    ("feature", [nostril, mirror(nostril), lip_line], False),
    ("brow", [brow, mirror(brow)], False),
]


def main():
    if "--svg" in sys.argv:
        out = ['<svg xmlns="http://www.w3.org/2000/svg" width="500" height="650" '
               'viewBox="0 0 1000 1300"><rect width="1000" height="1300" fill="white"/>']
        fills = {"silhouette": "#eee", "hair": "#ddd", "lips": "#ddd"}
        for kind, shapes, closed in outlines[:3]:
            for s in shapes:
                out.append('<path d="%s" fill="%s" stroke="#888" stroke-width="3"/>'
                           % (path_svg(s), fills[kind]))
        for k in order:
            out.append('<path d="%s" fill="#7ad" fill-opacity="0.7" stroke="#246" '
                       'stroke-width="2"/>' % path_svg(zones[k]))
        for kind, shapes, closed in outlines[3:]:
            for s in shapes:
                out.append('<path d="%s" fill="none" stroke="#555" stroke-width="3"/>'
                           % path_svg(s, closed))
        out.append("</svg>")
        print("\n".join(out))
        return

    print("# Stipple face map: a front view of face, neck and décolletage.")
    print("# Generated by build-aux/face-map.py; edit that, not this.")
    print("#")
    print("# Coordinates are normalised: x and y run 0..1 across a box whose")
    print("# width is `aspect` times its height. Left and right in zone keys are")
    print("# the patient's: the patient's right is on the viewer's left.")
    print("aspect %s" % fmt(W, H))
    for k in order:
        print()
        print("zone %s" % k)
        print("\n".join(path_text(zones[k])))
    for kind, shapes, closed in outlines:
        print()
        print("outline %s" % kind)
        for s in shapes:
            print("\n".join(path_text(s, closed)))


main()

# Replaces the community hook for jieba, which collects all of jieba's data: Fireside uses
# only word segmentation (the dictionary and the HMM tables), not the Paddle model
# (lac_small), part-of-speech tagging (posseg) or keyword extraction (analyse): 24 MB less.
from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("jieba", excludes=["lac_small", "posseg", "analyse"])
excludedimports = ["jieba.lac_small", "jieba.posseg", "jieba.analyse"]
